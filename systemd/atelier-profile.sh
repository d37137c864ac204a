# Atelier (installed by make install): the command line of every account on this
# machine reaches the workshop's records through the server (atelier.service), which
# runs as the atelier user; the accounts never hold the database or the signing key.
export ATELIER_SERVER=http://127.0.0.1:8080

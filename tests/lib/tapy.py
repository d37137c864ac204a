"""TAP for the Python halves of the shell tests: ok() prints one numbered line (with the
detail as comments when it fails), done() the plan; free_port() a port on 127.0.0.1."""
import socket
import sys

N = 0
FAILED = 0


def ok(cond, name, detail=""):
    global N, FAILED
    N += 1
    if cond:
        print("ok %d - %s" % (N, name))
    else:
        FAILED += 1
        print("not ok %d - %s" % (N, name))
        for line in str(detail).splitlines()[:30]:
            print("# " + line)
    sys.stdout.flush()


def note(text):
    print("# " + text)
    sys.stdout.flush()


def done():
    """The plan; the exit status: 1 when a check failed."""
    print("1..%d" % N)
    return 1 if FAILED else 0


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port

#!/bin/sh
# Install every Debian package Atelier needs to build, run and test.
# Idempotent: installs only what is missing; uses sudo when not root.
# Usage: scripts/setup-deps.sh [--quiet]
set -eu

PACKAGES="
build-essential
pkg-config
libusb-1.0-0-dev
libsqlite3-dev
libjansson-dev
libyaml-dev
libsodium-dev
zlib1g-dev
libmicrohttpd-dev
libcurl4-gnutls-dev
libcairo2-dev
libqrencode-dev
libzint-dev
fonts-dejavu-core
libimobiledevice-dev
libplist-dev
libusbmuxd-dev
libimobiledevice-utils
usbmuxd
adb
usb.ids
libcmocka-dev
umockdev
libumockdev-dev
libglib2.0-dev
clang
libclang-rt-14-dev
perl
sqlite3
python3
python3-cryptography
openssl
xz-utils
procps
poppler-utils
time
zbar-tools
wrk
chromium
gettext
libreoffice-calc-nogui
postgresql-15
postgresql-client-15
libpq-dev
"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

# Node.js runs the browser tests' tools; Debian's nodejs and npm only where the machine
# has none of its own (Debian's npm conflicts with a Node.js that brings npm).
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"

# The browser tests' tools from npm, exactly as package-lock.json pins them, into
# node_modules/ beside it (never a browser download: Debian's chromium is used).
npm_tools() {
    root=$(cd "$(dirname "$0")/.." && pwd)
    [ -f "$root/package-lock.json" ] || return 0
    if [ -f "$root/node_modules/.package-lock.json" ] &&
       cmp -s "$root/package-lock.json" "$root/node_modules/.atelier-lock"; then
        return 0
    fi
    echo "setup-deps: installing the browser test tools (npm ci)"
    (cd "$root" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --ignore-scripts) &&
        cp "$root/package-lock.json" "$root/node_modules/.atelier-lock"
}

if [ -z "$missing" ]; then
    npm_tools
    [ "${1:-}" = "--quiet" ] || echo "setup-deps: all packages present"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "setup-deps: missing packages:$missing; run this script as root or install sudo" >&2
    exit 1
fi

echo "setup-deps: installing:$missing"
# postgresql-15: the tests' private clusters (scripts/pg-test-cluster) use its binaries
# alone. Its postinst also creates the system's cluster (15/main) and asks invoke-rc.d
# to start it; in a container without an init system invoke-rc.d declines (policy-rc.d,
# or "no init system"), which leaves the package installed: the suite never uses
# that cluster, running or not.
export DEBIAN_FRONTEND=noninteractive
# An apt index that was never fetched (fresh machine) makes install fail: update first.
if ! $SUDO apt-get install -y --no-install-recommends $missing; then
    $SUDO apt-get update
    $SUDO apt-get install -y --no-install-recommends $missing
fi
npm_tools

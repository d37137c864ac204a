"""fakecommon.py - what fake_usbmuxd.py and fake_adb.py share.

The listening sockets, the loop that hands each new connection to a thread, and the
control socket's protocol: one JSON object per line in, one JSON line out. Run as
`python3 fakecommon.py control SOCKET 'JSON'` it is the control client of the
fakectl scripts."""
import json
import os
import select
import socket
import sys
import threading


def listen_unix(path, backlog=128):
    """A unix stream socket listening on PATH (a stale socket file is replaced)."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(backlog)
    return s


def accept_loop(stopping, handlers):
    """Until STOPPING is set: accept on each listening socket of HANDLERS (a dict
    socket -> function taking the new connection) and serve each in a thread."""
    socks = list(handlers)
    while not stopping.is_set():
        try:
            r, _, _ = select.select(socks, [], [], 0.2)
        except InterruptedError:
            continue
        except OSError:
            break
        for s in r:
            try:
                c, _ = s.accept()
            except OSError:
                continue
            threading.Thread(target=handlers[s], args=(c,), daemon=True).start()


def serve_json_lines(sock, stopping, handle):
    """Answer each JSON line on SOCK with HANDLE(object)'s JSON, until the peer closes
    or STOPPING is set. A failing command answers {"ok": false, "error": ...}."""
    buf = b""
    while not stopping.is_set():
        try:
            chunk = sock.recv(65536)
        except OSError:
            return
        if not chunk:
            return
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            if not line.strip():
                continue
            try:
                ans = handle(json.loads(line))
            except Exception as e:  # noqa: BLE001 - every failure is an answer
                ans = {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}
            sock.sendall(json.dumps(ans, sort_keys=True).encode() + b"\n")


def control(path, line):
    """Send one control LINE to the fake at PATH; the answer line."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(path)
    s.sendall(line.encode() + b"\n")
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
    s.close()
    return buf.decode()


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "control":
        sys.exit("usage: fakecommon.py control SOCKET 'JSON'")
    sys.stdout.write(control(sys.argv[2], sys.argv[3]))

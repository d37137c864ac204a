#!/usr/bin/env python3
"""adb_rawcheck.py PORT CHECK - byte-level checks of fake_adb.py, used by adb_selftest.sh.

Each CHECK talks the adb host protocol directly (no adb binary) and exits 0 when the
fake answered exactly as the real adb 29 server does, 1 otherwise (printing what it
got).  Also usable by hand:  python3 adb_rawcheck.py PORT req 'host:version'
prints the raw reply (python repr) of one request.
"""
import socket
import struct
import sys
import time

PORT = int(sys.argv[1])


def conn():
    s = socket.create_connection(("127.0.0.1", PORT), timeout=5)
    return s


def send(s, req):
    b = req.encode()
    s.sendall(b"%04x" % len(b) + b)


def read_all(s, limit=1 << 20, timeout=3.0):
    s.settimeout(timeout)
    buf = b""
    try:
        while len(buf) < limit:
            c = s.recv(65536)
            if not c:
                break
            buf += c
    except socket.timeout:
        buf += b"<timeout>"
    return buf


def exact(s, n):
    buf = b""
    while len(buf) < n:
        c = s.recv(n - len(buf))
        if not c:
            break
        buf += c
    return buf


def one(req):
    s = conn()
    send(s, req)
    r = read_all(s)
    s.close()
    return r


def expect(got, want):
    if got != want:
        print("got  %r\nwant %r" % (got, want))
        return 1
    return 0


def packets(data):
    out = []
    while len(data) >= 5:
        pid, n = struct.unpack("<BI", data[:5])
        out.append((pid, data[5:5 + n]))
        data = data[5 + n:]
    return out, data


def shell_v2(serial, cmd):
    s = conn()
    send(s, "host:tport:serial:" + serial)
    st = exact(s, 4)
    tid = exact(s, 8)
    send(s, "shell,v2,raw:" + cmd)
    st2 = exact(s, 4)
    s.sendall(struct.pack("<BI", 4, 0))          # close stdin, as adb does
    rest = read_all(s)
    s.close()
    return st, tid, st2, rest


def main():
    check = sys.argv[2]
    if check == "req":
        print(repr(one(sys.argv[3])))
        return 0
    if check == "version":
        return expect(one("host:version"), b"OKAY00040029")
    if check == "host-features":
        return expect(one("host:host-features"),
                      b"OKAY0072push_sync,remount_shell,abb_exec,abb,apex,fixed_push_mkdir,"
                      b"ls_v2,stat_v2,fixed_push_symlink_timestamp,cmd,shell_v2")
    if check == "unknown":
        return (expect(one("host:nonsense"), b"FAIL0014unknown host service")
                | expect(one("shell:ls"), b"FAIL001ddevice offline (no transport)")
                | expect(one("host:transport:ABC123"), b"FAIL0019device 'ABC123' not found")
                | expect(one("host-serial:ABC123:get-state"), b"FAIL0019device 'ABC123' not found"))
    if check == "tport":                          # 8-byte LE id, then a device service
        st, tid, st2, rest = shell_v2(sys.argv[3], "echo hi")
        want_tid = int(sys.argv[4])
        pk, tail = packets(rest)
        return (expect(st, b"OKAY") | expect(tid, struct.pack("<Q", want_tid))
                | expect(st2, b"OKAY") | expect(pk, [(1, b"hi\n"), (3, b"\x00")])
                | expect(tail, b""))
    if check == "transport-legacy":               # host:transport: answers a bare OKAY
        s = conn()
        send(s, "host:transport:" + sys.argv[3])
        st = exact(s, 4)
        send(s, "shell:echo legacy")
        rest = read_all(s)
        return expect(st, b"OKAY") | expect(rest, b"OKAYlegacy\n")
    if check == "marker":                         # compound line in ONE shell service
        st, tid, st2, rest = shell_v2(sys.argv[3], "getprop ro.product.model; echo @@ATELIER@@; "
                                      "settings get secure user_setup_complete; echo @@ATELIER@@; "
                                      "which su; echo @@ATELIER@@; nosuch --x")
        pk, _ = packets(rest)
        out = b"".join(d for i, d in pk if i == 1)
        err = b"".join(d for i, d in pk if i == 2)
        return (expect(out, b"Pixel 8 Pro\n@@ATELIER@@\n1\n@@ATELIER@@\n@@ATELIER@@\n")
                | expect(err, b"/system/bin/sh: nosuch: inaccessible or not found\n")
                | expect(pk[-1], (3, bytes([127]))))
    if check == "small-packets":                  # max_packet splits stdout; reassembly
        st, tid, st2, rest = shell_v2(sys.argv[3], "getprop")
        pk, _ = packets(rest)
        sizes = set(len(d) for i, d in pk if i == 1)
        return 0 if max(sizes) <= int(sys.argv[4]) and len(pk) > 10 else (print(sizes) or 1)
    if check == "track":                          # initial list, then a push on detach
        s = conn()
        send(s, "host:track-devices-l")
        s.settimeout(5)
        st = exact(s, 4)
        n = int(exact(s, 4), 16)
        first = exact(s, n)
        sys.stdout.write("LISTENING\n")
        sys.stdout.flush()
        n = int(exact(s, 4), 16)
        second = exact(s, n)
        s.close()
        ok = st == b"OKAY" and sys.argv[3].encode() in first and sys.argv[3].encode() not in second
        if not ok:
            print(repr(st), repr(first), repr(second))
        return 0 if ok else 1
    if check == "malformed":
        r = one("host-serial:839402d6:features")
        bad1 = r.startswith(b"OKAX")
        r = one("host:devices-l")
        bad2 = r.startswith(b"OKAY0g1z")
        s = conn()
        send(s, "host:tport:serial:839402d6")
        r = read_all(s)
        bad3 = r == b"OKAY" + struct.pack("<Q", 1)[:4]
        s.close()
        st, tid, st2, rest = shell_v2("839402d6", "getprop ro.product.model")
        hdr = struct.unpack("<BI", rest[:5])
        bad4 = hdr[0] == 1 and hdr[1] > len(rest) - 5
        # second round: all good
        good = (one("host-serial:839402d6:features").startswith(b"OKAY")
                and one("host:devices-l").startswith(b"OKAY00")
                and packets(shell_v2("839402d6", "getprop ro.product.model")[3])[0]
                == [(1, b"SM-J410G\n"), (3, b"\x00")])
        if not (bad1 and bad2 and bad3 and bad4 and good):
            print(bad1, bad2, bad3, bad4, good)
            return 1
        return 0
    if check == "hang":                           # output before the hanging command, then silence
        s = conn()
        send(s, "host:tport:serial:" + sys.argv[3])
        exact(s, 12)
        send(s, "shell,v2,raw:getprop ro.product.model; dumpsys diskstats")
        t0 = time.time()
        st = exact(s, 4)
        r = read_all(s, timeout=1.5)
        s.close()
        pk, _ = packets(r.replace(b"<timeout>", b""))
        return (expect(st, b"OKAY") | expect(pk, [(1, b"2112123AG\n")])
                | (0 if r.endswith(b"<timeout>") and time.time() - t0 >= 1.4 else 1))
    if check == "kill":
        return expect(one("host:kill"), b"OKAY")
    print("unknown check", check)
    return 2


if __name__ == "__main__":
    sys.exit(main())

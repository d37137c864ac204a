"""The bench now, as a screen sees it: tests/integration/web_live.sh runs this inside a
simulated USB bench. Argv: ATELIER DATA TMP CTL PINFILE. Plugs go through CTL (a FIFO of
tests/tools/usbbed); every check prints one TAP line."""
import http.client
import json
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tapy import done, free_port, note, ok  # noqa: E402

ATELIER = DATA = TMP = CTL = PINFILE = None  # set by main() (or by a bench importing this)





done_count = 0


def usb(line):
    """Ask usbbed to plug or unplug, and wait until it has."""
    global done_count
    t0 = time.time()
    with open(CTL, "w") as f:
        f.write(line + "\n")
    done_count += 1
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            with open(CTL + ".done") as f:
                if ("done %d\n" % done_count) in f.read():
                    return t0
        except OSError:
            pass
        time.sleep(0.005)
    raise RuntimeError("usbbed did not do: " + line)


class Stream:
    """A screen's EventSource: the events as they come, with the time each came."""

    def __init__(self, port, cookie, last_id=None):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=0.2)
        extra = "Last-Event-ID: %s\r\n" % last_id if last_id else ""
        self.sock.sendall(("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nCookie: %s\r\n%s\r\n"
                           % (port, cookie, extra)).encode())
        self.buf = b""
        self.events = []
        deadline = time.time() + 5
        while b"\r\n\r\n" not in self.buf and time.time() < deadline:
            self._recv()
        self.head, _, self.buf = self.buf.partition(b"\r\n\r\n")

    def _recv(self):
        try:
            chunk = self.sock.recv(65536)
            if chunk:
                self.buf += chunk
        except socket.timeout:
            pass

    def pump(self):
        self._recv()
        # The body is chunked: take the event blocks out of the chunk framing.
        text = self.buf.decode("utf-8", "replace")
        while "\n\n" in text:
            block, _, text = text.partition("\n\n")
            ev = {}
            for line in block.splitlines():
                if line.startswith("event: "):
                    ev["event"] = line[7:]
                elif line.startswith("data: "):
                    ev["data"] = json.loads(line[6:])
                elif line.startswith("id: "):
                    ev["id"] = int(line[4:])
            if "event" in ev:
                ev["t"] = time.time()
                self.events.append(ev)
        self.buf = text.encode()

    def wait(self, pred, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for ev in self.events:
                if pred(ev):
                    return ev
            self.pump()
        return None

    def close(self):
        self.sock.close()


def main():
    global ATELIER, DATA, TMP, CTL, PINFILE
    ATELIER, DATA, TMP, CTL, PINFILE = sys.argv[1:6]
    port = free_port()
    log = open(os.path.join(TMP, "serve.log"), "w+")
    srv = subprocess.Popen([ATELIER, "--data", DATA, "serve", "--listen", "127.0.0.1:%d" % port],
                           stdout=subprocess.PIPE, stderr=log, text=True)
    srv.stdout.readline()

    def call(method, path, body=None, cookie=None):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        h = {"Host": "127.0.0.1:%d" % port}
        if cookie:
            h["Cookie"] = cookie
        data = json.dumps(body).encode() if body is not None else None
        if data:
            h["Content-Type"] = "application/json"
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        doc = json.loads(r.read() or b"null")
        c.close()
        return r.status, doc, r

    with open(PINFILE) as f:
        pin = f.read().strip()
    st, doc, r = call("POST", "/api/login", {"name": "amina", "secret": pin})
    ok(st == 200, "the trainee signs in with her PIN", (st, doc))
    cookie = r.getheader("Set-Cookie").split(";")[0]
    st, doc, _ = call("GET", "/api/bench", cookie=cookie)
    ok(st == 200 and doc["devices"] == [] and doc.get("usb") is None,
       "an empty bench, watched", (st, doc))

    s = Stream(port, cookie)
    ok(s.head.startswith(b"HTTP/1.1 200") and b"text/event-stream" in s.head,
       "the screen's event stream opens", s.head)

    # An iPhone that trusts the bench (bench-mixed.json's first phone; USB serial = UDID).
    t0 = usb("add 1-1 05ac 12a8 00008110000E44540A2A0010 ff fe 02")
    plugged = s.wait(lambda e: e["event"] == "plugged" and e["data"]["usb_id"] == "usb:1-1", 5)
    ok(plugged is not None and plugged["data"]["entry"]["state"] == "reading"
       and plugged["data"]["entry"]["card"]["platform"] == "ios",
       "plugging an iPhone in: its card comes at once, being read", s.events)
    read = s.wait(lambda e: e["event"] == "read" and e["data"]["usb_id"] == "usb:1-1", 10)
    card = read["data"]["entry"]["card"] if read else {}
    ok(read is not None and read["data"]["entry"]["state"] == "read"
       and card.get("marketing_name") == "iPhone 13" and card.get("storage_gb") == 128
       and card.get("lock") == "off" and card.get("device") == "00008110-000E44540A2A0010"
       and card.get("battery_health_pct") is not None,
       "then the card is read: model, storage, battery, locks", s.events)
    if plugged and read:
        to_card, to_read = (plugged["t"] - t0) * 1000, (read["t"] - t0) * 1000
        # Printed only: the targets are measured in bench/live_bench.sh, not timed here.
        note("plug to card: %.0f ms; plug to read card: %.0f ms" % (to_card, to_read))
    st, doc, _ = call("GET", "/api/devices/00008110-000E44540A2A0010", cookie=cookie)
    ok(st == 200, "the reading is kept with its device", (st, doc))

    # An iPhone still locked: the trust words, then read once she unlocks and taps Trust
    # (bench-mixed.json's fourth phone: PasswordProtected, then ok).
    usb("add 1-2 05ac 12a8 00008110000E44540A2A0011 ff fe 02")
    trust = s.wait(lambda e: e["event"] == "trust" and e["data"]["usb_id"] == "usb:1-2", 10)
    ok(trust is not None and trust["data"]["entry"]["state"] == "untrusted"
       and trust["data"]["entry"]["trust"] == "locked"
       and "unlock" in trust["data"]["entry"]["hint"].lower(),
       "a locked iPhone: its card says to unlock it and tap Trust", s.events)
    read2 = s.wait(lambda e: e["event"] == "read" and e["data"]["usb_id"] == "usb:1-2", 15)
    ok(read2 is not None and read2["data"]["entry"]["state"] == "read",
       "once it trusts the bench, it is read again by itself", s.events)

    # An Android phone with USB debugging off (MTP): seen by USB only, with the words.
    usb("add 1-3 18d1 4ee1 ANDROID0001 06 01 01")
    a = s.wait(lambda e: e["event"] in ("read", "trust") and e["data"]["usb_id"] == "usb:1-3", 10)
    ok(a is not None and a["data"]["entry"]["state"] == "usb-only"
       and "USB debugging" in (a["data"]["entry"]["hint"] or "")
       and a["data"]["entry"]["card"]["platform"] == "android",
       "an Android phone with USB debugging off: its card asks to allow it", s.events)
    ok(a is not None and a["data"]["entry"]["known"] is False and read["data"]["entry"]["known"] is True,
       "a phone never read is not known to the records yet; one read is", (a, read))

    # Not a phone: a keyboard gets no card.
    usb("add 1-4 046d c31c KBD 03 01 01")
    st, doc, _ = call("GET", "/api/bench", cookie=cookie)
    ids = sorted(d["usb_id"] for d in doc["devices"])
    ok(ids == ["usb:1-1", "usb:1-2", "usb:1-3"], "the bench lists the three phones, not the keyboard",
       doc)

    # A bench plugs and unplugs phones all day: more times than the simulated bench has
    # places for devices at once (usbbed's 16), each one's card comes and goes.
    seen = 0
    for i in range(18):
        last = s.events[-1]["id"] if s.events else 0
        usb("add 1-5 18d1 4ee1 ANDROID%04d 06 01 01" % i)
        came = s.wait(lambda e: e["id"] > last and e["event"] in ("plugged", "read", "trust")
                      and e["data"]["usb_id"] == "usb:1-5", 10)
        usb("remove 1-5")
        went = s.wait(lambda e: e["id"] > last and e["event"] == "unplugged"
                      and e["data"]["usb_id"] == "usb:1-5", 10)
        seen += came is not None and went is not None
    ok(seen == 18, "18 phones plugged in turn on one port: each card comes and goes (%d did)" % seen,
       s.events[-6:])

    usb("remove 1-1")
    gone = s.wait(lambda e: e["event"] == "unplugged" and e["data"]["usb_id"] == "usb:1-1", 5)
    st, doc, _ = call("GET", "/api/bench", cookie=cookie)
    ok(gone is not None and "usb:1-1" not in [d["usb_id"] for d in doc["devices"]],
       "unplugging removes the card at once", s.events)

    # A screen that lost its connection gets what it missed (Last-Event-ID).
    last = s.events[-1]["id"]
    s.close()
    usb("remove 1-2")
    s2 = Stream(port, cookie, last_id=str(last))
    missed = s2.wait(lambda e: e["event"] == "unplugged" and e["data"]["usb_id"] == "usb:1-2", 5)
    ok(missed is not None and missed["id"] == last + 1,
       "a screen that reconnects gets the events it missed", s2.events)
    s2.close()

    st, doc, _ = call("GET", "/api/bench")
    ok(st == 401, "the bench is not shown without a session", (st, doc))

    srv.terminate()
    rc = srv.wait(timeout=20)
    log.seek(0)
    ok(rc == 0, "the server stops cleanly with streams open", log.read())
    return done()


if __name__ == "__main__":
    sys.exit(main())

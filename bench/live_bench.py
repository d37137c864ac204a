"""Plug to card: atelier serve inside a simulated USB bench (tests/tools/usbbed), a
paired iPhone behind the fake usbmuxd plugged and unplugged ROUNDS times; for each plug,
the time to its card in the event stream (plugged) and to its read card (read), as a
screen sees them. Targets: card <= 1 s, read card <= 3 s (p99). Argv: ATELIER DATA TMP
CTL PINFILE ROUNDS."""
import http.client
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "lib"))
import web_live  # noqa: E402


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


def main():
    atelier, data, tmp, ctl, pinfile, rounds = sys.argv[1:7]
    web_live.CTL = ctl
    port = web_live.free_port()
    log = open(os.path.join(tmp, "serve.log"), "w+")
    srv = subprocess.Popen([atelier, "--data", data, "serve", "--listen", "127.0.0.1:%d" % port],
                           stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        return run(srv, port, pinfile, rounds)
    finally:
        # Stopped on every way out: a round that fails must not leave the server running.
        if srv.poll() is None:
            srv.terminate()
            srv.wait(timeout=20)


def run(srv, port, pinfile, rounds):
    srv.stdout.readline()
    with open(pinfile) as f:
        pin = f.read().strip()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("POST", "/api/login", body=json.dumps({"name": "amina", "secret": pin}),
              headers={"Content-Type": "application/json"})
    r = c.getresponse()
    r.read()
    cookie = r.getheader("Set-Cookie").split(";")[0]
    s = web_live.Stream(port, cookie)
    cards, reads = [], []
    for i in range(int(rounds)):
        s.events = []
        t0 = web_live.usb("add 1-1 05ac 12a8 00008110000E44540A2A0000 ff fe 02")
        p = s.wait(lambda e: e["event"] == "plugged", 10)
        rd = s.wait(lambda e: e["event"] == "read", 15)
        if not p or not rd or rd["data"]["entry"]["state"] != "read":
            print("live bench: round %d: no read card (%s)" % (i, s.events), file=sys.stderr)
            return 1
        cards.append((p["t"] - t0) * 1000)
        reads.append((rd["t"] - t0) * 1000)
        web_live.usb("remove 1-1")
        s.wait(lambda e: e["event"] == "unplugged", 5)
    srv.terminate()
    srv.wait(timeout=20)
    for name, v, target in (("plug to card", cards, 1000), ("plug to read card", reads, 3000)):
        p50, p99 = pct(v, 50), pct(v, 99)
        print("%-22s p50 %7.1f ms   p99 %7.1f ms   (p99 <= %d ms: %s)"
              % (name, p50, p99, target, "meets target" if p99 <= target else "MISSES target"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""atelier serve over real HTTP, as a browser or an attacker would use it; prints TAP.

Usage: web_api.py ATELIER DATA_DIR TMP_DIR DEVICE
The accounts (boss admin, amina trainee with a PIN, sam instructor) and the device read
by a probe are made by tests/integration/web_api.sh; the secrets are in TMP/secret-NAME.
Every server is started here on 127.0.0.1 with a port picked free, and stopped by its PID.
"""
import gzip
import http.client
import json
import os
import random
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tapy import done, free_port, ok  # noqa: E402

ATELIER, DATA, TMP, DEVICE = sys.argv[1:5]



def secret(name):
    with open(os.path.join(TMP, "secret-" + name)) as f:
        return f.read().strip()



def records_sql(sql):
    """Run SQL on the test's records, wherever it keeps them: on PostgreSQL when
    ATELIER_DB names a database (tests/lib/on_pg.sh), else in DATA/atelier.db. The first
    column of the first row as text, None without a row."""
    url = os.environ.get("ATELIER_DB")
    if url:
        p = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
                           capture_output=True, text=True, check=True)
        return p.stdout.splitlines()[0] if p.stdout.strip() else None
    con = sqlite3.connect(os.path.join(DATA, "atelier.db"), timeout=10)
    try:
        row = con.execute(sql).fetchone()
        con.commit()
    finally:
        con.close()
    return None if row is None else str(row[0])


class Server:
    def __init__(self, *extra, tls=False, env=None):
        self.port = free_port()
        self.tls = tls
        self.log = open(os.path.join(TMP, "serve-%d.log" % self.port), "w+")
        self.proc = subprocess.Popen(
            [ATELIER, "--data", DATA, "serve", "--listen", "127.0.0.1:%d" % self.port] + list(extra),
            stdout=subprocess.PIPE, stderr=self.log, text=True,
            env=dict(os.environ, **env) if env else None)
        self.banner = self.proc.stdout.readline().strip()
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.05)
        raise RuntimeError("atelier serve did not start: " + self.stderr())

    def stderr(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def conn(self, timeout=10):
        if self.tls:
            ctx = ssl.create_default_context(cafile=os.path.join(TMP, "cert.pem"))
            return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=timeout, context=ctx)
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None


class Client:
    """One person's browser: her cookie and CSRF token. KEEP: every request on one
    connection, opened now (else one connection a request)."""

    def __init__(self, server, keep=False):
        self.server = server
        self.cookie = None
        self.csrf = None
        self.kept = server.conn() if keep else None

    def call(self, method, path, body=None, headers=None, raw=None, csrf=True):
        h = {"Host": "127.0.0.1:%d" % self.server.port}
        if self.cookie:
            h["Cookie"] = self.cookie
        if csrf and self.csrf and method != "GET":
            h["X-CSRF-Token"] = self.csrf
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        if data is not None:
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        c = self.kept or self.server.conn()
        try:
            c.request(method, path, body=data, headers=h)
            r = c.getresponse()
            text = r.read()
            try:
                doc = json.loads(text)
            except ValueError:
                doc = None
            return r.status, doc, r, text
        finally:
            if not self.kept:
                c.close()

    def login(self, name, pw):
        st, doc, r, _ = self.call("POST", "/api/login", {"name": name, "secret": pw})
        if st == 200:
            self.set_cookie = r.getheader("Set-Cookie")
            self.cookie = self.set_cookie.split(";")[0]
            self.csrf = doc["csrf"]
        return st, doc, r


def cli_as(name, *args):
    env = dict(os.environ, XDG_RUNTIME_DIR=os.path.join(TMP, "run", name))
    return subprocess.run([ATELIER, "--data", DATA] + list(args), capture_output=True, text=True,
                          env=env, timeout=60)


def many_at_once(srv):
    """Steps posted by 16 connections at once share commits (the server's group commit):
    each one answered 200 is in the records, once, in a chain that verifies; a refused
    one among them (an unknown step) leaves the others alone. Meanwhile an instructor
    makes changes that commit alone (her language) and reads her page, which writes her
    session's last use on the writer: each is answered, none waits for ever."""
    c = Client(srv)
    c.login("amina", secret("amina"))
    st, doc, _, _ = c.call("POST", "/api/jobs", {"device": DEVICE, "checklist": "web-check"})
    job = doc["job"]["id"] if st == 200 else None
    ok(st == 200 and job, "a second job is started for the steps made at once", (st, doc))
    answers, lock = [], threading.Lock()

    def worker(n):
        w = Client(srv)
        w.cookie, w.csrf = c.cookie, c.csrf
        for i in range(6):
            body = ({"step": "nope", "result": "pass"} if (n + i) % 5 == 0 else
                    {"step": "look", "result": "pass", "note": "at once %d.%d" % (n, i)})
            st, doc, _, _ = w.call("POST", "/api/jobs/%d/steps" % job, body)
            with lock:
                answers.append((body, st, doc))

    sam = Client(srv)
    sam.login("sam", secret("sam"))
    st, doc, _, _ = sam.call("GET", "/api/me")
    sam_lang = doc.get("lang") if st == 200 else None
    alone = []

    def instructor():
        for i in range(12):
            lang = ("nl", "en")[i % 2]
            st1, doc1, _, _ = sam.call("POST", "/api/me/lang", {"lang": lang})
            st2, doc2, _, _ = sam.call("GET", "/api/me")
            alone.append((st1, st2, lang, doc2.get("lang") if st2 == 200 else doc2))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(16)]
    threads.append(threading.Thread(target=instructor))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ok(len(alone) == 12 and all(a[:2] == (200, 200) and a[2] == a[3] for a in alone),
       "changes that commit alone, made meanwhile, are each answered and kept", alone)
    if sam_lang:
        sam.call("POST", "/api/me/lang", {"lang": sam_lang})
    good = [(b, d) for b, st, d in answers if st == 200]
    bad = [(b, st, d) for b, st, d in answers if st != 200]
    ok(len(answers) == 96 and all(b["step"] == "nope" and 400 <= st < 500 for b, st, d in bad)
       and len(good) == sum(1 for b, _, _ in answers if b["step"] == "look"),
       "16 connections at once: every step is answered 200, every unknown step a 4xx",
       [(st, d) for _, st, d in bad if not 400 <= st < 500][:5])
    st, doc, _, _ = c.call("GET", "/api/jobs/%d" % job)
    recs = doc.get("records", []) if st == 200 else []
    notes = sorted(r.get("note") for r in recs)
    ok(notes == sorted(b["note"] for b, _ in good)
       and [r["record"] for r in recs] == list(range(1, len(recs) + 1))
       and sorted(d["record"] for _, d in good) == [r["record"] for r in recs],
       "each step answered 200 is recorded once, numbered without a gap", (len(recs), len(good)))
    p = cli_as("amina", "job", "verify", str(job))
    ok(p.returncode == 0, "the job's chain verifies after the steps made at once", p.stdout + p.stderr)
    compressed_answers(c, "/api/jobs/%d" % job)
    st, doc, _, _ = c.call("POST", "/api/jobs/%d/steps" % job, {"step": "voltage", "value": "4.0"})
    st, doc, _, _ = c.call("POST", "/api/jobs/%d/submit" % job)
    ok(st == 200, "that job is submitted", (st, doc))
    pages = [c.call("GET", "/api/jobs/%d" % job, headers={"Accept-Encoding": "gzip"}) for _ in range(2)]
    ok(all(p[0] == 200 and p[2].getheader("Content-Encoding") == "gzip"
           and json.loads(gzip.decompress(p[3]))["state"] == "submitted" for p in pages),
       "the page given gzipped is the one after the change, never the one kept before, the"
       " first read (which computed it) gzipped too", [p[3][:100] for p in pages])


def clients_that_leave():
    """Clients that leave while the server works for them (a tablet loses the network).
    The server's few threads serve every connection, and a connection waiting for its
    answer (a step, for the writer) or for its next event is suspended, not watched:
    the server must see to those it suspended. Steps whose clients left are each recorded
    at most once, in a chain that verifies; a quiet stream says it is still there past
    the connection's timeout; streams whose clients left free their places, so that as
    many can open again (the server takes 64 connections at once); and the server then
    stops cleanly."""
    srv = Server("--timeout", "2")
    c = Client(srv)
    c.login("amina", secret("amina"))
    st, doc, _, _ = c.call("POST", "/api/jobs", {"device": DEVICE, "checklist": "web-check"})
    job = doc["job"]["id"] if st == 200 else None
    ok(st == 200 and job, "a job is started for the steps whose clients leave", (st, doc))

    def leaver(n):
        for i in range(10):
            body = json.dumps({"step": "look", "result": "pass", "note": "left %d.%d" % (n, i)}).encode()
            s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
            s.sendall(("POST /api/jobs/%d/steps HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: %s\r\n"
                       "X-CSRF-Token: %s\r\nContent-Type: application/json\r\n"
                       "Content-Length: %d\r\n\r\n" % (job, c.cookie, c.csrf, len(body))).encode() + body)
            s.close()  # gone before the answer

    threads = [threading.Thread(target=leaver, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    st, doc, _, _ = c.call("POST", "/api/jobs/%d/steps" % job,
                           {"step": "look", "result": "pass", "note": "stayed"})
    ok(st == 200, "a client that stays is answered after 160 that left", (st, doc))
    st, doc, _, _ = c.call("GET", "/api/jobs/%d" % job)
    notes = [r.get("note") for r in doc.get("records", [])] if st == 200 else []
    left = [n for n in notes if n and n.startswith("left ")]
    ok(len(left) == len(set(left)) and left and notes.count("stayed") == 1,
       "the steps whose clients left are recorded at most once each (%d of 160 reached it)" % len(left),
       notes[:5])
    p = cli_as("amina", "job", "verify", str(job))
    ok(p.returncode == 0, "the job's chain verifies after them", p.stdout + p.stderr)

    def stream():
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
        s.sendall(("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: %s\r\n\r\n" % c.cookie).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = s.recv(4096)
            if not chunk:
                break
            head += chunk
        return s, head

    quiet, head = stream()
    got, t0 = head, time.time()
    quiet.settimeout(0.5)
    while time.time() - t0 < 3.5:
        try:
            chunk = quiet.recv(4096)
        except socket.timeout:
            continue
        if not chunk:
            break
        got += chunk
    ok(head.startswith(b"HTTP/1.1 200") and b": still here" in got and time.time() - t0 >= 3.5,
       "a quiet stream says it is still there, and stays open past the 2 s timeout", got[-200:])
    quiet.close()
    for round_ in ("first", "second"):
        opened = [stream() for _ in range(60)]
        refused = [h[:40] for _, h in opened if not h.startswith(b"HTTP/1.1 200")]
        ok(not refused, "60 event streams open at once (the %s time)" % round_, refused[:3])
        for s, _ in opened:
            s.close()
        time.sleep(2.5)  # seen gone at their next keep-alive (1 s here)
    st, doc, _, _ = c.call("GET", "/api/me")
    ok(st == 200, "the server still answers once they are gone", (st, doc))
    st, doc, _, _ = c.call("POST", "/api/jobs/%d/steps" % job, {"step": "voltage", "value": "4.0"})
    st, doc, _, _ = c.call("POST", "/api/jobs/%d/submit" % job)
    ok(st == 200, "that job is submitted", (st, doc))
    rc = srv.stop()
    ok(rc == 0 and "stopping" in srv.stderr(), "and the server stops cleanly after them", (rc, srv.stderr()))


def verify_and_finish(job):
    """Amina's job JOB of web-check: its chain verifies, and she finishes it at the terminal
    (its last step, then submitted), so that the device is free for the next test."""
    p = cli_as("amina", "job", "verify", str(job))
    ok(p.returncode == 0, "and the job's chain verifies", p.stdout + p.stderr)
    p = cli_as("amina", "job", "step", str(job), "voltage", "--value", "4.1")
    p2 = cli_as("amina", "job", "submit", str(job))
    ok(p.returncode == 0 and p2.returncode == 0, "that job is finished at the terminal",
       p.stderr + p2.stderr)


def killed_while_recording():
    """The server is killed (SIGKILL) while 12 connections record steps: every step it
    answered 200 is in the records afterwards. A step is answered only once its batch
    is committed."""
    srv = Server()
    c = Client(srv)
    c.login("amina", secret("amina"))
    st, doc, _, _ = c.call("POST", "/api/jobs", {"device": DEVICE, "checklist": "web-check"})
    job = doc["job"]["id"] if st == 200 else None
    acked, lock, stop = [], threading.Lock(), threading.Event()

    def worker(n):
        w = Client(srv)
        w.cookie, w.csrf = c.cookie, c.csrf
        i = 0
        while not stop.is_set():
            note = "before the kill %d.%d" % (n, i)
            i += 1
            try:
                st, doc, _, _ = w.call("POST", "/api/jobs/%d/steps" % job,
                                       {"step": "look", "result": "pass", "note": note})
            except (OSError, http.client.HTTPException, ValueError):
                return
            if st == 200:
                with lock:
                    acked.append((doc["record"], note))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    deadline = time.time() + 20
    while time.time() < deadline and len(acked) < 300:
        time.sleep(0.01)
    srv.proc.send_signal(signal.SIGKILL)
    srv.proc.wait()
    stop.set()
    for t in threads:
        t.join()
    p = cli_as("amina", "job", "show", str(job), "--json")
    recs = json.loads(p.stdout)["records"] if p.returncode == 0 else []
    kept = {(r["record"], r["note"]) for r in recs}
    lost = [a for a in acked if a not in kept]
    ok(len(acked) >= 300 and not lost,
       "killed while 12 connections record steps: each of the %d steps answered 200 is in the"
       " records" % len(acked), (len(acked), len(recs), lost[:5], p.stderr))
    verify_and_finish(job)


def disk_stops_confirming():
    """The disk stops confirming the writes of a batch of steps (its sync of the log fails,
    tests/tools/failsync.c): the trainee is told, in a 503, that the step is in the records
    but may be lost if the power is cut, and to look at the records before making it
    again; it is there, and once the disk confirms again the next step is answered 200.
    SQLite only: on PostgreSQL every step commits alone, synced by the server."""
    flag = os.path.join(TMP, "disk-fails")
    shim = os.path.join(os.path.dirname(os.path.abspath(ATELIER)), "tests", "failsync.so")
    srv = Server(env={"LD_PRELOAD": shim, "FAILSYNC_FLAG": flag})
    c = Client(srv)
    c.login("amina", secret("amina"))
    st, doc, _, _ = c.call("POST", "/api/jobs", {"device": DEVICE, "checklist": "web-check"})
    job = doc["job"]["id"] if st == 200 else None
    ok(st == 200 and job, "a job is started on a server whose disk will stop confirming", (st, doc))
    st, doc, _, _ = c.call("POST", "/api/jobs/%d/steps" % job,
                           {"step": "look", "result": "pass", "note": "disk still fine"})
    ok(st == 200, "a step is answered 200 while the disk confirms its writes", (st, doc))
    open(flag, "w").close()
    st, doc, _, _ = c.call("POST", "/api/jobs/%d/steps" % job,
                           {"step": "look", "result": "pass", "note": "disk failing"})
    why = (doc or {}).get("why", "")
    ok(st == 503 and "did not confirm the write" in why and "in the records now" in why
       and "look at the records before you make it again" in why,
       "the disk does not confirm: 503, the step is in the records but may be lost, look "
       "before making it again", (st, doc))
    # The screen words an error by its word in the trainee's language: "io" says nothing
    # was recorded, which is untrue here.
    ok((doc or {}).get("error") == "unconfirmed",
       "and its word is \"unconfirmed\", not \"io\" (whose words say nothing was recorded)", doc)
    os.remove(flag)
    st, doc, _, _ = c.call("GET", "/api/jobs/%d" % job)
    notes = [r.get("note") for r in doc.get("records", [])] if st == 200 else []
    ok(notes == ["disk still fine", "disk failing"],
       "the step answered 503 is in the records, after the one before it", (st, notes))
    st, doc, _, _ = c.call("POST", "/api/jobs/%d/steps" % job,
                           {"step": "look", "result": "pass", "note": "disk fine again"})
    ok(st == 200 and doc.get("record") == 3,
       "once the disk confirms again, the next step is answered 200, record 3", (st, doc))
    ok(srv.stop() == 0, "that server stops cleanly", srv.stderr())
    ok("did not confirm the write" in srv.stderr(), "its log says the disk did not confirm a write",
       srv.stderr())
    verify_and_finish(job)


def writer_cannot_start():
    """The server cannot start the thread that makes the changes (the system's limit on
    threads reached, tests/tools/failthread.c): a sign-in is refused with a 503 that says
    nothing was recorded and to try again, and nothing is written; pages that only read
    are still answered; the server's log says why. Once a thread can be started again,
    the same sign-in works, on the same connection, and so do the changes after it."""
    flag = os.path.join(TMP, "no-threads")
    shim = os.path.join(os.path.dirname(os.path.abspath(ATELIER)), "tests", "failthread.so")
    srv = Server(env={"LD_PRELOAD": shim, "FAILTHREAD_FLAG": flag})
    # One connection, opened (and its thread started) before threads run out.
    c = Client(srv, keep=True)
    st, _, _, _ = c.call("GET", "/api/me")
    ok(st == 401, "a connection is open to a server that will not be able to start a thread", st)
    sessions = records_sql("SELECT count(*) FROM session")
    open(flag, "w").close()
    st, doc, _ = c.login("amina", secret("amina"))
    why = (doc or {}).get("why", "")
    ok(st == 503 and (doc or {}).get("error") == "io" and "nothing was recorded" in why
       and "could not start its writer" in why and "try again" in why,
       "no thread for the changes: a sign-in is refused with a 503 that says nothing was "
       "recorded and to try again", (st, doc))
    ok(records_sql("SELECT count(*) FROM session") == sessions,
       "and no session was written", (sessions, records_sql("SELECT count(*) FROM session")))
    st, doc, _, _ = c.call("GET", "/api/me")
    ok(st == 401 and (doc or {}).get("error"), "a page that only reads is still answered (401 "
       "without a session)", (st, doc))
    st, doc, _ = c.login("amina", secret("amina"))
    ok(st == 503, "each change tries to start the thread again: still 503 while it cannot",
       (st, doc))
    os.remove(flag)
    st, doc, _ = c.login("amina", secret("amina"))
    ok(st == 200 and (doc or {}).get("csrf"), "once a thread can be started, the same sign-in "
       "works, on the same connection", (st, doc))
    if st == 200:
        st, doc, _, _ = c.call("POST", "/api/jobs", {"device": DEVICE, "checklist": "web-check"})
        job = doc["job"]["id"] if st == 200 else None
        ok(st == 200 and job, "and a job is started after it", (st, doc))
        if job:
            st, doc, _, _ = c.call("POST", "/api/jobs/%d/steps" % job,
                                   {"step": "look", "result": "pass"})
            ok(st == 200 and doc.get("record") == 1, "and its first step is record 1", (st, doc))
            c.call("POST", "/api/jobs/%d/steps" % job, {"step": "voltage", "value": "4.0"})
            c.call("POST", "/api/jobs/%d/submit" % job)
    c.kept.close()
    ok(srv.stop() == 0, "that server stops cleanly", srv.stderr())
    ok("cannot start the thread that makes the changes" in srv.stderr(),
       "its log says it could not start the thread that makes the changes", srv.stderr())


def session_last_use(amina):
    """A session's last use is written once a minute, by the server's writer, whether
    the request reads a page or records a step (reads never wait for the write lock)."""
    def age_and(call):
        records_sql("UPDATE session SET last_used_ms = last_used_ms - 120000 WHERE ended_ms IS NULL"
                    " AND user_id = (SELECT id FROM app_user WHERE name = 'amina')")
        before = time.time() * 1000
        st, doc = call()
        newest = int(records_sql("SELECT max(last_used_ms) FROM session WHERE ended_ms IS NULL AND"
                                 " user_id = (SELECT id FROM app_user WHERE name = 'amina')"))
        return st, doc, newest >= before - 1000

    st, doc, touched = age_and(lambda: amina.call("GET", "/api/me")[:2])
    ok(st == 200 and touched, "a page read writes the session's last use when it is due", (st, doc))
    st, doc, _, _ = amina.call("POST", "/api/jobs", {"device": DEVICE, "checklist": "web-check"})
    job = doc["job"]["id"] if st == 200 else 0
    st, doc, touched = age_and(lambda: amina.call("POST", "/api/jobs/%d/steps" % job,
                                                  {"step": "look", "result": "pass"})[:2])
    ok(st == 200 and touched, "so does a step recorded", (st, doc))
    amina.call("POST", "/api/jobs/%d/steps" % job, {"step": "voltage", "value": "4.0"})
    amina.call("POST", "/api/jobs/%d/submit" % job)


def kept_work_and_the_terminal(srv, amina):
    """The server keeps the work of the jobs it records steps into. A failed step that
    stops the job stops the next one; an instructor's resume made at the terminal (another
    process) is seen at the next step, as if nothing were kept."""
    st, doc, _, _ = amina.call("POST", "/api/jobs", {"device": DEVICE, "checklist": "web-stop"})
    job = (doc or {}).get("job", {}).get("id") if st == 200 else None
    ok(st == 200 and job, "a job with a step that stops it is started", (st, doc))
    st, doc, _, _ = amina.call("POST", "/api/jobs/%d/steps" % job,
                               {"step": "power", "result": "fail", "note": "stays dark"})
    ok(st == 200 and doc["stopped"] is True and doc["next_step"] is None,
       "the failed step stops the job: no next step", (st, doc))
    st, doc, _, _ = amina.call("POST", "/api/jobs/%d/steps" % job, {"step": "look", "result": "pass"})
    ok(st == 409 and doc["error"] == "state" and "stops the job" in doc["why"],
       "the next step is refused while the job waits for an instructor", (st, doc))
    p = cli_as("sam", "job", "resume", str(job), "--why", "the battery was flat; charged")
    ok(p.returncode == 0, "the instructor lets the work go on, at the terminal", p.stdout + p.stderr)
    st, doc, _, _ = amina.call("POST", "/api/jobs/%d/steps" % job, {"step": "look", "result": "pass"})
    ok(st == 200 and doc["step"] == "look",
       "the server sees the resume made by another process at the next step", (st, doc))
    p = cli_as("amina", "job", "step", str(job), "power", "--result", "pass", "--note", "charged")
    st, doc, _, _ = amina.call("POST", "/api/jobs/%d/steps" % job, {"step": "look", "result": "fail"})
    st2, jdoc, _, _ = amina.call("GET", "/api/jobs/%d" % job)
    ok(p.returncode == 0 and st == 200 and doc["record"] == 4
       and [r["step"] for r in jdoc["records"]] == ["power", "look", "power", "look"],
       "a step recorded at the terminal between two of the server's takes its place in the"
       " chain", (p.stderr, st, doc, jdoc.get("records")))
    p = cli_as("amina", "job", "verify", str(job))
    ok(p.returncode == 0, "that job's chain verifies", p.stdout + p.stderr)


def console_roles(srv, amina, sam, boss):
    """Every route of the instructors' console, as each role meets it: a trainee is
    refused them all, an instructor the admin's, an admin none; a refused change leaves
    the accounts as they were and is kept in the audit log."""
    routes = [
        ("GET", "/api/queue", None, "instructor"),
        ("GET", "/api/inventory", None, "instructor"),
        ("GET", "/api/overview", None, "instructor"),
        ("GET", "/api/audit", None, "instructor"),
        ("GET", "/api/jobs/999999/verify", None, "instructor"),
        ("POST", "/api/jobs/999999/resume", {"why": "go on"}, "instructor"),
        ("POST", "/api/jobs/999999/cancel", {"why": "stop"}, "instructor"),
        ("POST", "/api/trainees/amina/signoffs", {"competence": "untrained", "note": "n"}, "instructor"),
        ("POST", "/api/jobs/999999/grade", {"verdict": "approved", "feedback": "x"}, "instructor"),
        ("POST", "/api/checklists/web-check/steps/look/photos", None, "instructor"),
        ("GET", "/api/users", None, "admin"),
        ("POST", "/api/users", {"name": "intruder", "role": "admin", "secret": "a long password 1"}, "admin"),
        ("POST", "/api/users/amina/active", {"active": False}, "admin"),
        ("POST", "/api/users/amina/role", {"role": "admin"}, "admin"),
        ("POST", "/api/users/amina/secret", {"secret": "99887766"}, "admin"),
    ]
    st, before, _, _ = boss.call("GET", "/api/users")
    for method, path, body, role in routes:
        for who, c in (("trainee", amina), ("instructor", sam)):
            refused = who == "trainee" or role == "admin"
            if not refused:
                continue
            st, doc, _, _ = c.call(method, path, body)
            ok(st == 403 and doc and doc["error"] == "denied"
               and ("an admin's session" if role == "admin" else "an instructor's") in doc["why"],
               "%s %s: refused to a%s %s (403, the reason)" % (method, path, "n" if who[0] == "i" else "", who),
               (st, doc))
        if role == "instructor" and method == "GET":
            st, doc, _, _ = sam.call(method, path)
            ok(st not in (401, 403), "%s %s: an instructor passes the gate (%s)" % (method, path, st), (st, doc))
        st, doc, _, _ = boss.call(method, path, body) if role == "instructor" or method == "GET" \
            else (None, None, None, None)
        if st is not None:
            ok(st not in (401, 403), "%s %s: an admin passes the gate (%s)" % (method, path, st), (st, doc))
    st, after, _, _ = boss.call("GET", "/api/users")
    ok(st == 200 and after == before, "the refused changes left every account as it was", (before, after))
    again = Client(srv)
    st, _, _ = again.login("amina", secret("amina"))
    ok(st == 200, "and amina's PIN still signs her in", st)
    st, log, _, _ = boss.call("GET", "/api/audit?limit=200")
    refusals = [(e["actor"], e["subject"]) for e in log if e["action"] == "refused"]
    ok(("amina", "/api/users") in refusals and ("sam", "/api/users/amina/role") in refusals
       and ("sam", "/api/users/amina/secret") in refusals,
       "each change refused at the gate is in the audit log, with who tried it", refusals[:20])


def resale_routes(amina, sam, boss):
    """The resale office's routes (docs/resale.md) as each role meets them: a trainee is
    refused sales, returns, batches and their reports, but says where a device sits; an
    instructor makes a batch, puts the device in it and downloads the donor's report; a
    refusal of a field comes back as {field, reason} for the screen to say beside it."""
    dev = DEVICE
    for method, path, body in (("POST", "/api/devices/%s/sell" % dev, {"price": "89", "channel": "shop"}),
                               ("POST", "/api/devices/%s/return" % dev, {"why": "x"}),
                               ("GET", "/api/batches", None),
                               ("POST", "/api/batches", {"name": "lot-x", "donor": "x"}),
                               ("POST", "/api/batches/lot-x/devices", {"devices": [dev]}),
                               ("GET", "/api/batches/lot-x/erasure?format=csv", None)):
        st, doc, _, _ = amina.call(method, path, body)
        ok(st == 403 and doc["error"] == "denied", "a trainee is refused %s %s: 403" % (method, path), (st, doc))
    st, doc, _, _ = sam.call("POST", "/api/devices/%s/sell" % dev, {"price": "89", "channel": "shop"}, csrf=False)
    ok(st == 403 and doc["error"] == "csrf", "a sale posted without the CSRF token: 403", (st, doc))
    st, doc, _, _ = sam.call("POST", "/api/devices/%s/sell" % dev, {"price": "89.505", "channel": "shop"})
    ok(st == 400 and doc["detail"] == {"field": "price", "reason": "too-many-decimals"}
       and "89, 89.50 or 89,50" in doc["why"],
       "a price with three decimals: 400, the field and the reason for the screen", (st, doc))
    st, doc, _, _ = sam.call("POST", "/api/devices/%s/sell" % dev, {"price": "89", "channel": "ebay"})
    ok(st == 400 and doc["detail"] == {"field": "channel", "reason": "unknown"},
       "an unknown channel: 400 naming the field", (st, doc))
    st, doc, _, _ = sam.call("POST", "/api/devices/%s/sell" % dev, {"price": "89,50", "channel": "shop"})
    ok(st == 409 and "not certified: only a certified device is sold" in doc["why"],
       "a device that is not certified is not sold: 409 in plain words", (st, doc))
    st, doc, _, _ = sam.call("POST", "/api/devices/%s/return" % dev, {"why": "came back"})
    ok(st == 409 and "only a sold or certified device is taken back" in doc["why"],
       "a device never sold is not returned: 409", (st, doc))
    st, doc, _, _ = amina.call("POST", "/api/devices/%s/shelf" % dev, {"place": "Shelf B-2"})
    ok(st == 200 and doc["shelf"] == "Shelf B-2" and doc["by"] == "amina",
       "a trainee says where the device sits", (st, doc))
    st, doc, _, _ = amina.call("POST", "/api/devices/%s/shelf" % dev, {"place": "  "})
    ok(st == 400 and doc["detail"]["field"] == "place", "an empty place: 400 naming the field", (st, doc))
    st, doc, _, _ = sam.call("POST", "/api/batches", {"name": "web-lot", "donor": "Donateur SA"})
    ok(st == 200 and doc["name"] == "web-lot" and doc["by"] == "sam", "an instructor makes a batch", (st, doc))
    st, doc, _, _ = sam.call("POST", "/api/batches", {"name": "web-lot", "donor": "Other"})
    ok(st == 400 and doc["detail"] == {"field": "name", "reason": "taken"}, "a batch name taken: 400", (st, doc))
    st, doc, _, _ = sam.call("POST", "/api/batches/web-lot/devices", {"devices": [dev]})
    ok(st == 200 and doc["devices"][0]["stock_number"].startswith("AT-"),
       "the device is put in the batch, with its stock number", (st, doc))
    st, doc, _, _ = boss.call("POST", "/api/batches", {"name": "web-lot-2", "donor": "Other"})
    st, doc, _, _ = boss.call("POST", "/api/batches/web-lot-2/devices", {"devices": [dev]})
    ok(st == 409 and "is in batch 'web-lot' already" in doc["why"],
       "a device in a batch is not put in another: 409 naming it", (st, doc))
    st, doc, _, _ = sam.call("POST", "/api/batches/web-lot/devices", {"devices": "all"})
    ok(st == 400, "devices that are not a list: 400", (st, doc))
    st, doc, _, _ = sam.call("GET", "/api/batches")
    ok(st == 200 and [(b["name"], b["devices"]) for b in doc["batches"]] == [("web-lot-2", 0), ("web-lot", 1)],
       "the batches are listed, newest first, with their device counts", (st, doc))
    st, _, r, text = sam.call("GET", "/api/batches/web-lot/erasure?format=csv")
    ok(st == 200 and r.getheader("Content-Type").startswith("text/csv")
       and "erasure-web-lot.csv" in (r.getheader("Content-Disposition") or "")
       and text.startswith(b"stock_number,") and b"no wipe or destruction record yet" in text,
       "the donor's erasure report downloads as CSV", (st, r.getheaders(), text[:300]))
    st, _, r, text = sam.call("GET", "/api/batches/web-lot/erasure?format=pdf&lang=fr")
    ok(st == 200 and r.getheader("Content-Type") == "application/pdf" and text.startswith(b"%PDF"),
       "and as a PDF", (st, r.getheaders()))
    st, doc, _, _ = sam.call("GET", "/api/batches/nope/erasure")
    ok(st == 404 and "there is no batch 'nope'" in doc["why"], "an unknown batch: 404", (st, doc))
    # A sheet of labels for the batch's bags, from the browser: an A4 page whose barcodes
    # scan as the devices' stock numbers.
    st, _, r, text = sam.call("GET", "/api/batches/web-lot/labels?intake=1")
    sheet = os.path.join(TMP, "batch-labels.pdf")
    with open(sheet, "wb") as f:
        f.write(text)
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-singlefile", sheet, sheet[:-4]], capture_output=True)
    scan = subprocess.run(["zbarimg", "--quiet", "--raw", sheet[:-4] + ".png"], capture_output=True, text=True).stdout
    info = subprocess.run(["pdfinfo", sheet], capture_output=True, text=True).stdout
    ok(st == 200 and r.getheader("Content-Type") == "application/pdf"
       and 'filename="labels-web-lot.pdf"' in (r.getheader("Content-Disposition") or "")
       and "(A4)" in info and scan.split() and all(x.startswith("AT-") for x in scan.split()),
       "the batch's labels download as an A4 sheet; its barcodes scan as stock numbers", (st, r.getheaders(), info, scan))
    st, doc, _, _ = sam.call("GET", "/api/batches/web-lot-2/labels")
    ok(st == 409 and "has no device yet" in doc["why"], "a batch with no device: nothing to label, said so", (st, doc))
    st, doc, _, _ = sam.call("GET", "/api/batches/nope/labels")
    ok(st == 404, "an unknown batch's labels: 404", (st, doc))
    st, doc, _, _ = amina.call("GET", "/api/batches/web-lot/labels")
    ok(st == 403, "a trainee does not print a batch's sheet: 403", (st, doc))


def compressed_answers(amina, path):
    """A kept answer of a kilobyte or more goes gzipped to a client that asks for it, as
    every browser does, and as it is to one that does not; either way the same JSON."""
    st, _, r, plain = amina.call("GET", path)  # computed now, kept (and gzipped) for later
    ok(st == 200 and r.getheader("Content-Encoding") is None and len(plain) >= 1024
       and r.getheader("Vary") == "Accept-Encoding",
       "%s without Accept-Encoding: plain JSON of %d bytes, with Vary" % (path, len(plain)), (st, plain[:200]))
    for accept, zipped in (("gzip, deflate, br", True),  # Chromium's
                           ("*", True), ("GZIP;Q=0.5", True), ("br;q=1, gzip;q=0.1", True),
                           ("gzip;q=0", False), ("gzip;q=0.000", False), ("br", False),
                           ("identity", False), ("gzip;q=0, *", False), ("*;q=0", False),
                           ("gzipx, xgzip", False)):
        # Kept or computed again (on PostgreSQL a commit made before, the command line's
        # job verify, may be heard only now), an answer is given alike.
        st, _, r, body = amina.call("GET", path, headers={"Accept-Encoding": accept})
        got = gzip.decompress(body) if r.getheader("Content-Encoding") == "gzip" else body
        ok(st == 200 and (r.getheader("Content-Encoding") == "gzip") == zipped
           and r.getheader("Vary") == "Accept-Encoding" and got == plain
           and (len(body) < len(plain) / 2 if zipped else True),
           "Accept-Encoding: %s -> %s, the same JSON" % (accept, "gzip (%d bytes)" % len(body)
                                                         if zipped else "as it is"),
           (st, r.getheaders(), len(body)))


def inventory(srv, amina, sam, boss):
    """The inventory as the console downloads it: streamed CSV (a file to save), JSON
    lines and JSON, the same filters as the command line; an instructor's and an
    admin's, never a trainee's."""
    import csv, io
    for who, c in (("instructor", sam), ("admin", boss)):
        st, _, r, text = c.call("GET", "/api/inventory")
        rows = list(csv.DictReader(io.StringIO(text.decode("utf-8"), newline="")))
        ok(st == 200 and r.getheader("Content-Type") == "text/csv; charset=utf-8"
           and r.getheader("Content-Disposition") == 'attachment; filename="inventory.csv"'
           and r.getheader("Cache-Control") == "no-store"
           and text.endswith(b"\r\n") and len(rows) >= 1 and rows[0]["stock_number"].startswith("AT-"),
           "an %s downloads the inventory as CSV, one row per device" % who, (st, text[:300]))
    st, _, r, text = sam.call("GET", "/api/inventory?format=jsonl&platform=ios")
    lines = [json.loads(l) for l in text.decode("utf-8").splitlines()]
    ok(st == 200 and lines and all(l["platform"] == "ios" for l in lines) and "imei1" in lines[0],
       "as JSON lines, filtered by platform", (st, text[:300]))
    st, doc, _, _ = sam.call("GET", "/api/inventory?format=json&state=recycled")
    ok(st == 200 and doc == [], "as JSON: nothing in a state no device is in is an empty list", (st, doc))
    st, doc, _, _ = sam.call("GET", "/api/inventory?format=json&sort=-stock_number")
    ok(st == 200 and [d["stock_number"] for d in doc] == sorted([d["stock_number"] for d in doc], reverse=True),
       "sorted by a column, the largest first", (st, doc))
    for q, words in (("format=pdf", "format is csv, jsonl or json"), ("since=yesterday", "since takes a day"),
                     ("state=lost", "'lost' is not a state"), ("sort=nothing", "not sorted by 'nothing'"),
                     ("platform=symbian", "ios or android")):
        st, doc, _, _ = sam.call("GET", "/api/inventory?" + q)
        ok(st == 400 and doc and words in doc["why"], "a bad %s: 400 saying why" % q.split("=")[0], (st, doc))
    st, doc, _, _ = amina.call("GET", "/api/inventory")
    ok(st == 403 and doc["error"] == "denied", "a trainee does not download the inventory: 403", (st, doc))
    st, doc, _, _ = Client(srv).call("GET", "/api/inventory")
    ok(st == 401, "nor anyone without a session: 401", (st, doc))


def accounts(srv, boss):
    """An admin's accounts over the API, through the same svc calls as atelier user: add,
    a reset PIN, disable and enable, a role changed; refusals that name the field at
    fault; every change in the audit log."""
    st, doc, _, _ = boss.call("GET", "/api/users")
    names = [u["name"] for u in doc] if st == 200 else []
    ok(st == 200 and names == sorted(names) and {"boss", "amina", "sam"} <= set(names)
       and all(set(u) == {"name", "code", "role", "active", "has_secret", "erased", "last_signin_ms"} for u in doc)
       and next(u for u in doc if u["name"] == "amina")["last_signin_ms"] > 0,
       "an admin lists the accounts: name, code, role, state, a secret set or not, the last sign-in;"
       " never a secret", (st, doc))
    st, doc, _, _ = boss.call("POST", "/api/users", {"name": "lea", "role": "trainee", "secret": "24681357"},
                              csrf=False)
    ok(st == 403 and doc["error"] == "csrf", "adding an account needs the CSRF token", (st, doc))
    for body, status, field, reason, what in [
            ({"name": "lea", "role": "trainee", "secret": "12"}, 400, "secret", "not-a-pin", "a PIN of 2 digits"),
            ({"name": "lea", "role": "trainee", "secret": "12ab5678"}, 400, "secret", "not-a-pin", "a PIN with letters"),
            ({"name": "lea", "role": "instructor", "secret": "short"}, 400, "secret", "too-short", "a short password"),
            ({"name": "amina", "role": "trainee", "secret": "24681357"}, 409, "name", "taken", "a name taken"),
            ({"name": "le a", "role": "trainee", "secret": "24681357"}, 400, "name", "not-a-name", "a name with a space"),
            ({"name": "lea", "role": "boss", "secret": "24681357"}, 400, "role", "not-a-role", "a role that is none"),
            ({"name": "lea", "role": "trainee"}, 400, "secret", "missing", "no first PIN"),
            ({"name": "lea", "role": "trainee", "secret": 24681357}, 400, "secret", "not-text", "a PIN as a number"),
            ({"name": "lea", "role": "trainee", "secret": "24681357", "code": "amina"}, 400, "code", "a-name",
             "a code that is somebody's name")]:
        st, doc, _, _ = boss.call("POST", "/api/users", body)
        ok(st == status and doc["why"] and doc.get("detail") == {"field": field, "reason": reason},
           "adding %s: %d, the reason and the field at fault" % (what, status), (st, doc))
    st, doc, _, _ = boss.call("POST", "/api/users", {"name": "lea", "role": "trainee", "secret": "24681357"})
    ok(st == 200 and doc["name"] == "lea" and doc["role"] == "trainee" and doc["active"] is True
       and doc["has_secret"] is True and doc["code"].startswith("T-") and "secret" not in doc,
       "an admin adds a trainee with her first PIN; she gets a code for public documents", (st, doc))
    lea = Client(srv)
    st, doc, _ = lea.login("lea", "24681357")
    ok(st == 200 and doc["role"] == "trainee", "the new trainee signs in with that PIN", (st, doc))
    st, doc, _, _ = boss.call("GET", "/api/users")
    ok(st == 200 and next(u for u in doc if u["name"] == "lea")["last_signin_ms"] > 0,
       "the list says when she signed in", (st, doc))

    # ---- a PIN reset by the admin ----
    st, doc, _, _ = boss.call("POST", "/api/users/lea/secret", {"secret": "1357"})
    ok(st == 400 and doc.get("detail") == {"field": "secret", "reason": "not-a-pin"},
       "a new PIN that is no PIN: 400 naming the field", (st, doc))
    st, doc, _, _ = boss.call("POST", "/api/users/lea/secret", {"secret": "11335577"})
    ok(st == 200 and doc["has_secret"], "the admin resets her PIN", (st, doc))
    st, _, _ = Client(srv).login("lea", "24681357")
    ok(st == 401, "the old PIN no longer signs in", st)
    st, _, _ = Client(srv).login("lea", "11335577")
    ok(st == 200, "the new one does", st)

    # ---- disabled, enabled ----
    st, doc, _, _ = boss.call("POST", "/api/users/lea/active", {"active": "no"})
    ok(st == 400 and "true or false" in doc["why"], "active must be true or false: 400", (st, doc))
    st, doc, _, _ = boss.call("POST", "/api/users/lea/active", {"active": False})
    ok(st == 200 and doc["active"] is False, "the admin disables her account", (st, doc))
    st, doc, _, _ = lea.call("GET", "/api/me")
    ok(st == 401, "her open session ends at once", (st, doc))
    st, doc, _ = Client(srv).login("lea", "11335577")
    ok(st == 401 and "disabled" in doc["why"], "a disabled trainee cannot sign in", (st, doc))
    st, doc, _, _ = boss.call("POST", "/api/users/nobody/active", {"active": False})
    ok(st == 404 and doc.get("detail") == {"field": "name", "reason": "unknown"},
       "an account that does not exist: 404", (st, doc))
    st, doc, _, _ = boss.call("POST", "/api/users/boss/active", {"active": False})
    ok(st == 403 and doc.get("detail") == {"field": "name", "reason": "own-account"}
       and "another admin" in doc["why"], "an admin cannot disable herself: 403, another admin does", (st, doc))
    st, doc, _, _ = boss.call("POST", "/api/users/boss/role", {"role": "instructor"})
    ok(st == 403 and doc.get("detail") == {"field": "role", "reason": "own-account"},
       "nor take her own role away: there is always an admin left", (st, doc))
    st, doc, _, _ = boss.call("POST", "/api/users/lea/active", {"active": True})
    ok(st == 200 and doc["active"] is True, "the admin enables it again", (st, doc))
    st, _, _ = lea.login("lea", "11335577")
    ok(st == 200, "and she signs in again", st)

    # ---- a role changed ----
    st, doc, _, _ = boss.call("POST", "/api/users/lea/role", {"role": "chief"})
    ok(st == 400 and doc.get("detail") == {"field": "role", "reason": "not-a-role"}, "a role that is none: 400",
       (st, doc))
    st, doc, _, _ = boss.call("POST", "/api/users/lea/role", {"role": "instructor"})
    ok(st == 200 and doc["role"] == "instructor" and doc["has_secret"] is False,
       "a trainee made an instructor: her PIN goes, she waits for a password", (st, doc))
    st, doc, _, _ = lea.call("GET", "/api/me")
    ok(st == 401, "her session ends with her old role", (st, doc))
    st, _, _ = Client(srv).login("lea", "11335577")
    ok(st == 401, "the PIN no longer signs her in", st)
    st, doc, _, _ = boss.call("POST", "/api/users/lea/secret", {"secret": "11335577"})
    ok(st == 400 and doc.get("detail") == {"field": "secret", "reason": "too-short"},
       "an instructor's secret is a password of 10 or more: a PIN is refused", (st, doc))
    st, doc, _, _ = boss.call("POST", "/api/users/lea/secret", {"secret": "a new long password"})
    ok(st == 200 and doc["has_secret"], "the admin sets her password", (st, doc))
    st, doc, _ = Client(srv).login("lea", "a new long password")
    ok(st == 200 and doc["role"] == "instructor", "she signs in as an instructor", (st, doc))

    # ---- the audit log keeps each change, as the command line does ----
    st, log, _, _ = boss.call("GET", "/api/audit?limit=300")
    mine = [(e["action"], e["outcome"], e["detail"]) for e in log if e["actor"] == "boss" and e["subject"] == "lea"]
    want = [("user-add", "ok", "trainee"), ("user-set-secret", "ok", "set by an admin"),
            ("user-disable", "ok", "its sessions ended"), ("user-enable", "ok", ""),
            ("user-set-role", "ok", "trainee -> instructor"), ("user-set-secret", "ok", "set by an admin")]
    ok(st == 200 and all(w in mine for w in want), "the audit log has every change made on the screen, by whom",
       (want, mine))
    p = cli_as("boss", "audit", "--json", "--limit", "300")
    cli = json.loads(p.stdout) if p.returncode == 0 else []
    ok(any(e["action"] == "user-set-role" and e["subject"] == "lea" and e["actor"] == "boss" for e in cli),
       "and atelier audit at the terminal shows them too", (p.returncode, p.stderr))

    # ---- her own password and her own PIN, changed by herself (POST /api/me/secret) ----
    lea = Client(srv)
    st, _, _ = lea.login("lea", "a new long password")
    ok(st == 200, "lea, an instructor now, signs in", st)
    st, doc, _, _ = lea.call("POST", "/api/me/secret", {"secret": "my very own password"})
    ok(st == 400 and doc.get("detail") == {"field": "old", "reason": "missing"},
       "her own password changed without the one she has now: 400 naming the field", (st, doc))
    st, doc, _, _ = lea.call("POST", "/api/me/secret", {"old": "a new long password", "secret": "my very own"},
                             csrf=False)
    ok(st == 403 and doc["error"] == "csrf", "without the CSRF token: 403", (st, doc))
    st, doc, _, _ = lea.call("POST", "/api/me/secret", {"old": "not it at all", "secret": "my very own password"})
    ok(st == 403 and doc["error"] == "denied" and doc.get("detail") == {"field": "old", "reason": "wrong"},
       "with a wrong one: 403, the field at fault", (st, doc))
    st, doc, _, _ = lea.call("POST", "/api/me/secret", {"old": "a new long password", "secret": "short"})
    ok(st == 400 and doc.get("detail") == {"field": "secret", "reason": "too-short"},
       "a new password that is too short: 400, the field at fault", (st, doc))
    st, _, _ = Client(srv).login("lea", "a new long password")
    ok(st == 200, "after the refusals her password is the same", st)
    st, doc, _, _ = lea.call("POST", "/api/me/secret", {"old": "a new long password", "secret": "my very own password"})
    ok(st == 200 and doc["name"] == "lea" and doc["has_secret"] and "secret" not in doc,
       "with the right one she changes it", (st, doc))
    st, _, _ = Client(srv).login("lea", "a new long password")
    ok(st == 401, "the old password no longer signs in", st)
    st, _, _ = Client(srv).login("lea", "my very own password")
    ok(st == 200, "the new one does", st)
    st, doc, _, _ = lea.call("GET", "/api/me")
    ok(st == 200 and doc["name"] == "lea", "and the session she changed it in goes on", (st, doc))
    st, log, _, _ = boss.call("GET", "/api/audit?limit=300")
    own = [(e["action"], e["outcome"], e["detail"]) for e in log if e["actor"] == "lea" and e["subject"] == "lea"]
    ok(("user-set-secret", "ok", "own secret changed") in own
       and ("user-set-secret", "refused", "wrong old secret") in own,
       "the audit log keeps her change and the refused try", own)
    # Wrong old passwords count as wrong sign-ins: after 5 in 15 minutes, none is tried.
    for _ in range(5):
        lea.call("POST", "/api/me/secret", {"old": "guess", "secret": "another long password"})
    st, doc, _, _ = lea.call("POST", "/api/me/secret", {"old": "my very own password",
                                                         "secret": "another long password"})
    ok(st == 403 and doc.get("detail") == {"field": "old", "reason": "locked"} and "wait" in doc["why"],
       "after 5 wrong old passwords even the right one is refused for a while", (st, doc))
    st, doc, _ = Client(srv).login("lea", "my very own password")
    ok(st == 401 and "too many" in doc["why"], "and the sign-in is locked as well", (st, doc))
    st, _, _, _ = boss.call("POST", "/api/users/lea/secret", {"secret": "my very own password"})
    st2, _, _ = Client(srv).login("lea", "my very own password")
    ok(st == 200 and st2 == 200, "an admin's new password lifts the lock", (st, st2))

    st, doc, _, _ = boss.call("POST", "/api/users", {"name": "zoe", "role": "trainee", "secret": "24681357"})
    zoe = Client(srv)
    st2, _, _ = zoe.login("zoe", "24681357")
    ok(st == 200 and st2 == 200, "a new trainee signs in with the PIN the admin gave her", (st, st2))
    st, doc, _, _ = zoe.call("POST", "/api/me/secret", {"old": "24681357", "secret": "my own words"})
    ok(st == 400 and doc.get("detail") == {"field": "secret", "reason": "not-a-pin"},
       "a trainee's new secret is a PIN: words are refused, naming the field", (st, doc))
    st, doc, _, _ = zoe.call("POST", "/api/me/secret", {"old": "24681357", "secret": "97531864"})
    st2, _, _ = Client(srv).login("zoe", "97531864")
    st3, _, _ = Client(srv).login("zoe", "24681357")
    ok(st == 200 and st2 == 200 and st3 == 401, "she changes her PIN herself: the new one works, the old not",
       (st, st2, st3))


def main():
    srv = Server("--timeout", "2")
    ok(srv.banner == "Atelier is at http://127.0.0.1:%d/" % srv.port,
       "serve says the address to open", srv.banner)
    anon = Client(srv)

    # ---- static assets and the headers of every answer ----
    st, _, r, text = anon.call("GET", "/")
    ok(st == 200 and b"Atelier" in text and r.getheader("Content-Type").startswith("text/html"),
       "/ gives the page built into the binary", (st, text[:200]))
    csp = r.getheader("Content-Security-Policy") or ""
    ok("default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
       and r.getheader("X-Content-Type-Options") == "nosniff"
       and r.getheader("Referrer-Policy") == "no-referrer",
       "a page carries the CSP, nosniff and no-referrer headers", r.getheaders())
    st, _, r, text = anon.call("GET", "/static/app.css")
    ok(st == 200 and r.getheader("Content-Type").startswith("text/css") and b"body" in text,
       "/static/app.css is served as CSS", (st, r.getheaders()))
    with open("/etc/passwd", "rb") as f:
        passwd = f.read()[:20]
    for path in ["/static/../../../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd",
                 "/static/%2E%2E%2Fetc%2Fpasswd", "/static//etc/passwd", "/static/..%5c..%5cetc%5cpasswd",
                 "/static/app.css%00.html", "/static/.hidden", "/static/a\\..\\b",
                 "/../../etc/passwd", "/static/%252e%252e/etc/passwd"]:
        c = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
        c.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % path).encode())
        resp = b""
        while True:
            chunk = c.recv(65536)
            if not chunk:
                break
            resp += chunk
        c.close()
        status = resp.split(b" ", 2)[1] if resp.startswith(b"HTTP/") else b"none"
        ok(status in (b"400", b"404") and passwd not in resp and b"charset" in resp,
           "a path leaving the assets is refused: %s" % path, resp[:300])
    st, _, r, text = anon.call("GET", "/nowhere/<script>")
    ok(st == 404 and b"<script>" not in text, "a page of the server's own never echoes raw HTML", text)

    # ---- no session ----
    for method, path in [("GET", "/api/me"), ("GET", "/api/devices"), ("GET", "/api/jobs"),
                         ("GET", "/api/jobs/1"), ("GET", "/api/checklists"), ("GET", "/api/audit"),
                         ("GET", "/api/devices/" + DEVICE), ("GET", "/api/checklists/web-check"),
                         ("GET", "/api/bench"), ("GET", "/api/events")]:
        st, doc, r, _ = anon.call(method, path)
        ok(st == 401 and doc and doc["error"] == "unauthorized" and doc["why"]
           and r.getheader("Cache-Control") == "no-store",
           "%s %s without a session: 401 with the reason, not cached" % (method, path), (st, doc))
    st, doc, _, _ = anon.call("POST", "/api/jobs", {"device": DEVICE, "checklist": "web-check"})
    ok(st == 401, "starting a job without a session: 401", (st, doc))
    # The certificates' public page needs no session, and a bad id is never a 5xx.
    for cid in ["ATL-20200101-00000000", "nothing", "%3Cscript%3E", "A" * 300, "%C3%A9%00x",
                "ATL-20200101-00000000?sig=" + "x" * 5000]:
        st, doc, r, _ = anon.call("GET", "/api/public/certificates/" + cid)
        ok(st < 500 and (st != 200 or doc["state"] == "unknown"),
           "GET /api/public/certificates/%s... without a session: answered, never a 5xx" % cid[:24],
           (st, doc))
    st, _, r, text = anon.call("GET", "/v/ATL-20200101-00000000")
    ok(st == 200 and (r.getheader("Content-Type") or "").startswith("text/html"),
       "the verification page opens without a session", (st, text[:200]))
    st, doc, _, _ = anon.call("GET", "/api/nothing")
    ok(st == 404 and doc["error"] == "no-route", "an unknown route is a 404 in JSON", (st, doc))
    st, doc, r, _ = anon.call("DELETE", "/api/jobs")
    ok(st == 405 and doc["error"] == "method" and "GET" in (r.getheader("Allow") or ""),
       "a wrong method is a 405 in JSON with Allow", (st, doc, r.getheaders()))

    # ---- signing in ----
    eve = Client(srv)
    st, doc, _ = eve.login("amina", "00000000")
    ok(st == 401 and doc["error"] == "unauthorized" and eve.cookie is None,
       "a wrong PIN: 401 and no cookie", (st, doc))
    st, doc, _ = eve.login("nobody", "00000000")
    ok(st == 401, "an unknown name: 401, the same answer", (st, doc))
    amina = Client(srv)
    st, doc, r = amina.login("amina", secret("amina"))
    ok(st == 200 and doc["name"] == "amina" and doc["role"] == "trainee" and len(doc["csrf"]) == 64,
       "a trainee signs in with her PIN from this machine", (st, doc))
    sc = amina.set_cookie or ""
    parts = [p.strip() for p in sc.split(";")]
    ok(parts[0].startswith("atelier_session=") and len(parts[0]) == len("atelier_session=") + 64
       and "HttpOnly" in parts and "SameSite=Strict" in parts and "Path=/" in parts
       and "Secure" not in parts,
       "the cookie is HttpOnly, SameSite=Strict, Path=/ (no Secure over plain HTTP)", sc)
    st, doc, _, _ = amina.call("GET", "/api/me")
    ok(st == 200 and doc["name"] == "amina" and doc["csrf"] == amina.csrf,
       "GET /api/me says who is signed in, with the same CSRF token", (st, doc))
    st, doc, _, _ = amina.call("GET", "/api/devices")
    ok(st == 200 and isinstance(doc, list) and any(d.get("udid") == DEVICE for d in doc),
       "the devices list shows the phone that was read", (st, doc))
    st, doc, _, _ = amina.call("GET", "/api/devices/" + DEVICE)
    ok(st == 200 and isinstance(doc, dict), "one device's card", (st, doc))
    st, doc, _, _ = amina.call("GET", "/api/devices/NOSUCHDEVICE")
    ok(st == 404 and doc["error"] in ("no-device", "not-found"), "an unknown device: 404", (st, doc))
    st, doc, _, _ = amina.call("GET", "/api/checklists?lang=fr&device=" + DEVICE)
    ok(st == 200 and any(c["id"] == "web-check" for c in doc["checklists"]),
       "the checklists for the device", (st, doc))
    st, doc, _, _ = amina.call("GET", "/api/checklists/web-check")
    ok(st == 200 and doc["id"] == "web-check" and len(doc["steps"]) == 2,
       "one checklist, as checklist show --json gives it", (st, doc))
    st, doc, _, _ = amina.call("GET", "/api/checklists/nope")
    ok(st == 404, "an unknown checklist: 404", (st, doc))

    # ---- roles ----
    st, doc, _, _ = amina.call("GET", "/api/audit")
    ok(st == 403 and doc["error"] == "denied" and "instructor" in doc["why"],
       "a trainee on an instructor's route: 403 with the reason", (st, doc))
    st, doc, _, _ = amina.call("POST", "/api/jobs/1/grade",
                               {"verdict": "approved", "feedback": "good"})
    ok(st == 403, "a trainee cannot grade: 403", (st, doc))
    st, doc, _, _ = amina.call("POST", "/api/jobs", {"device": DEVICE, "checklist": "web-advanced"})
    ok(st == 409 and "amina cannot start 'web-advanced' yet" in doc["why"]
       # "name": the competence's names in the policy; this workshop's policy names none
       and doc.get("detail") == {"needs": [{"approved": "web-check"}, {"signed_off": "esd-safety", "name": None}]},
       "a trainee not ready for a checklist: 409, with what she needs for the screen to say", (st, doc))

    # ---- CSRF and Origin ----
    body = {"device": DEVICE, "checklist": "web-check"}
    st, doc, _, _ = amina.call("POST", "/api/jobs", body, csrf=False)
    ok(st == 403 and doc["error"] == "csrf", "a POST without X-CSRF-Token: 403", (st, doc))
    st, doc, _, _ = amina.call("POST", "/api/jobs", body, csrf=False,
                               headers={"X-CSRF-Token": "0" * 64})
    ok(st == 403 and doc["error"] == "csrf", "a POST with a wrong X-CSRF-Token: 403", (st, doc))
    st, doc, _, _ = amina.call("POST", "/api/jobs", body, headers={"Origin": "http://evil.example"})
    ok(st == 403 and doc["error"] == "origin", "a POST from another site's Origin: 403", (st, doc))
    st, doc, _, _ = anon.call("POST", "/api/login", {"name": "amina", "secret": secret("amina")},
                              headers={"Origin": "http://evil.example"})
    ok(st == 403, "a sign-in posted from another site: 403", (st, doc))
    st, doc, _, _ = amina.call("GET", "/api/jobs")
    ok(st == 200 and doc == [], "no job was started by the refused requests", (st, doc))

    # ---- bodies ----
    st, doc, _, _ = amina.call("POST", "/api/jobs", raw=b'{"device": ')
    ok(st == 400 and doc["error"] == "invalid", "malformed JSON: 400", (st, doc))
    st, doc, _, _ = amina.call("POST", "/api/jobs", raw=b'[1, 2]')
    ok(st == 400, "a body that is not an object: 400", (st, doc))
    st, doc, _, _ = amina.call("POST", "/api/jobs", {"device": 12, "checklist": "web-check"})
    ok(st == 400 and "device" in doc["why"], "a field of the wrong type: 400 naming it", (st, doc))
    st, doc, _, _ = amina.call("POST", "/api/jobs", raw=b'{"device": "a\\u0000b", "checklist": "x"}')
    ok(st == 400, "a NUL inside a string: 400", (st, doc))
    deep = b'{"a":' * 100 + b'1' + b'}' * 100
    st, doc, _, _ = amina.call("POST", "/api/jobs", raw=deep)
    ok(st == 400 and "32" in doc["why"], "a body nested 100 deep: 400", (st, doc))
    st, doc, _, _ = amina.call("POST", "/api/jobs", raw=b'{"x": "' + b'a' * 70000 + b'"}')
    ok(st == 413 and doc["error"] == "too-large", "a body over 64 KiB: 413", (st, doc))

    def chunks():
        for _ in range(20):
            yield b'a' * 8192
    c = srv.conn()
    c.request("POST", "/api/jobs", body=chunks(), encode_chunked=True,
              headers={"Cookie": amina.cookie, "X-CSRF-Token": amina.csrf,
                       "Transfer-Encoding": "chunked"})
    r = c.getresponse()
    r.read()
    c.close()
    ok(r.status == 413, "a chunked body growing past 64 KiB: 413 as it arrives", r.status)

    # ---- a job over the API ----
    st, doc, _, _ = amina.call("POST", "/api/jobs", body)
    ok(st == 200 and doc["job"]["id"] >= 1 and doc["job"]["trainee"] == "amina"
       and doc["next_step"]["id"] == "look",
       "a trainee starts a job: the view of job start --json", (st, doc))
    job = doc["job"]["id"] if st == 200 else 1
    # The checklist changes on disk after the job started: the job keeps its own text.
    yaml = os.path.join(TMP, "checklists", "web-check.yaml")
    with open(yaml) as f:
        text = f.read()
    with open(yaml, "w") as f:
        f.write(text.replace('en: "Screen check"', 'en: "Screen check, new version"'))
    st, doc, _, _ = amina.call("GET", "/api/jobs/%d/checklist" % job)
    st2, jdoc, _, _ = amina.call("GET", "/api/jobs/%d" % job)
    ok(st == 200 and doc["title"]["en"] == "Screen check" and doc["hash"] == jdoc["checklist_hash"]
       and [s["id"] for s in doc["steps"]] == ["look", "voltage"],
       "a job's checklist is the text it was started with, whatever the file says now", (st, doc))
    with open(yaml, "w") as f:
        f.write(text)
    st, doc, _, _ = amina.call("POST", "/api/jobs/%d/submit" % job)
    ok(st == 409 and doc["error"] == "state" and len(doc["detail"]["missing"]) == 2
       and doc["detail"]["reasons"] == [{"step": "look", "why": "not-done"},
                                        {"step": "voltage", "why": "not-done"}],
       "submitting too early: 409 with what is missing, in words and as steps a screen can"
       " say in its language", (st, doc))
    st, doc, _, _ = amina.call("POST", "/api/jobs/%d/steps" % job, {"step": "look", "result": "maybe"})
    ok(st == 400, "a step with a result that is not a word of it: 400", (st, doc))
    st, doc, _, _ = amina.call("POST", "/api/jobs/%d/steps" % job,
                               {"step": "look", "result": "pass", "note": "clean"})
    ok(st == 200 and doc["step"] == "look" and doc["result"] == "pass" and doc["record"] >= 1,
       "a step is recorded", (st, doc))
    st, doc, _, _ = amina.call("POST", "/api/jobs/%d/steps" % job,
                               {"step": "voltage", "value": "3.92"})
    ok(st == 200 and doc["result"] == "pass", "a measure in range passes by itself", (st, doc))
    st, doc, _, _ = amina.call("POST", "/api/jobs/%d/steps" % job, {"step": "nope", "result": "pass"})
    ok(400 <= st < 500, "an unknown step: a 4xx", (st, doc))
    # A page read twice is kept by the server; a record made meanwhile at the terminal (another
    # process) is on the next reading all the same.
    st, before, _, _ = amina.call("GET", "/api/jobs/%d" % job)
    st, again, _, _ = amina.call("GET", "/api/jobs/%d" % job)
    ok(before == again and len(before["records"]) == 2, "the job page read twice is the same",
       (before, again))
    env = dict(os.environ, XDG_RUNTIME_DIR=os.path.join(TMP, "run", "amina"))
    p = subprocess.run([ATELIER, "--data", DATA, "job", "step", str(job), "look", "--result", "pass",
                        "--note", "from the terminal", "--corrects", str(before["records"][0]["record"])],
                       capture_output=True, text=True, env=env, timeout=30)
    st, after, _, _ = amina.call("GET", "/api/jobs/%d" % job)
    ok(p.returncode == 0 and len(after["records"]) == 3
       and after["records"][-1]["note"] == "from the terminal",
       "a record made at the terminal meanwhile is on the page at once", (p.stderr, after))
    st, doc, _, _ = amina.call("POST", "/api/jobs/%d/submit" % job)
    ok(st == 200 and doc["job"] == job, "the job is submitted", (st, doc))
    st, doc, _, _ = amina.call("GET", "/api/jobs/%d" % job)
    ok(st == 200 and doc["state"] == "submitted" and len(doc["records"]) == 3,
       "the job shows its records and its state", (st, doc))
    st, doc, _, _ = amina.call("GET", "/api/jobs?state=submitted&trainee=amina")
    ok(st == 200 and [j["id"] for j in doc] == [job], "the job list takes filters", (st, doc))
    st, doc, _, _ = amina.call("GET", "/api/jobs/abc")
    ok(st == 400, "a job number that is not a number: 400", (st, doc))
    st, doc, _, _ = amina.call("GET", "/api/jobs/999")
    ok(st == 404, "a job that does not exist: 404", (st, doc))

    st, doc, _, _ = amina.call("GET", "/api/devices/" + DEVICE)
    card = (doc or {}).get("card") or {}
    ok(st == 200 and card.get("marketing_name") == "iPhone 13" and card.get("storage_gb") == 128
       and card.get("lock") == "off" and card.get("locks_on") == [],
       "a recorded device's view has its card: model, storage, locks in one word", (st, card))

    # ---- the bench now, the screen's language ----
    st, doc, _, _ = amina.call("GET", "/api/bench")
    ok(st == 200 and doc["devices"] == [], "the bench lists the phones attached now: none here",
       (st, doc))
    st, doc, _, _ = amina.call("POST", "/api/me/lang", {"lang": "nl"}, csrf=False)
    ok(st == 403 and doc["error"] == "csrf", "changing the language needs the CSRF token", (st, doc))
    st, doc, _, _ = amina.call("POST", "/api/me/lang", {"lang": "../fr"})
    ok(st == 400 and "language" in doc["why"], "a language that is not a code: 400", (st, doc))
    st, doc, _, _ = amina.call("POST", "/api/me/lang", {"lang": "nl"})
    ok(st == 200 and doc["lang"] == "nl", "a trainee keeps Dutch as her language", (st, doc))
    st, doc, _, _ = amina.call("GET", "/api/me")
    ok(st == 200 and doc["lang"] == "nl", "her session says her language", (st, doc))
    again = Client(srv)
    st, doc, _, _ = again.call("POST", "/api/login", {"name": "amina", "secret": secret("amina"),
                                                      "lang": "ar"})
    ok(st == 200 and doc["lang"] == "ar", "the language chosen at sign-in is kept", (st, doc))

    # ---- pictures and photos of steps ----
    st, _, r, text = amina.call("GET", "/api/checklists/web-check/steps/look/image")
    ok(st == 200 and r.getheader("Content-Type") == "image/svg+xml" and text.startswith(b"<svg"),
       "a step's picture is served from beside its checklist", (st, text[:100]))
    st, doc, _, _ = amina.call("GET", "/api/checklists/web-check/steps/voltage/image")
    ok(st == 404 and doc["error"] == "not-found", "a step without a picture: 404", (st, doc))
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    st, doc, _, _ = amina.call("POST", "/api/checklists/web-check/steps/look/photos", raw=png,
                               headers={"Content-Type": "image/png"})
    ok(st == 403 and doc["error"] == "denied", "a trainee cannot attach a photo to a step", (st, doc))
    st, doc, _, _ = anon.call("GET", "/api/checklists/web-check/photos")
    ok(st == 401, "the photos are not shown without a session", (st, doc))
    sam0 = Client(srv)
    sam0.login("sam", secret("sam"))
    st, doc, _, _ = sam0.call("POST", "/api/checklists/web-check/steps/look/photos",
                              raw=b"GIF89a" + b"\x00" * 10, headers={"Content-Type": "image/png"})
    ok(st == 400 and "JPEG or a PNG" in doc["why"], "a photo that is no JPEG or PNG is refused,"
       " whatever its Content-Type says", (st, doc))
    st, doc, _, _ = sam0.call("POST", "/api/checklists/web-check/steps/nope/photos", raw=png,
                              headers={"Content-Type": "image/png"})
    ok(st == 404, "a photo for a step that does not exist: 404", (st, doc))
    big = b"\xff\xd8\xff" + b"\x00" * (100 * 1024)
    st, doc, _, _ = sam0.call("POST", "/api/checklists/web-check/steps/look/photos", raw=big,
                              headers={"Content-Type": "image/jpeg"})
    ok(st == 200 and doc["type"] == "image/jpeg" and len(doc["sha256"]) == 64
       and not doc["already"],
       "an instructor attaches a 100 KiB photo to a step (a JSON body stops at 64 KiB)", (st, doc))
    sha = doc["sha256"] if st == 200 else "0" * 64
    ok(os.path.exists(os.path.join(DATA, "photos", sha + ".jpg")),
       "the photo is kept in the data directory under its hash")
    st, doc, _, _ = sam0.call("POST", "/api/checklists/web-check/steps/look/photos", raw=big,
                              headers={"Content-Type": "image/jpeg"})
    ok(st == 200 and doc["already"], "the same photo twice is kept once", (st, doc))
    st, doc, _, _ = amina.call("GET", "/api/checklists/web-check/photos")
    ok(st == 200 and [(p["step"], p["sha256"], p["by"]) for p in doc] == [("look", sha, "sam")],
       "the trainee sees the photos of the checklist's steps", (st, doc))
    st, _, r, text = amina.call("GET", "/api/photos/" + sha)
    ok(st == 200 and r.getheader("Content-Type") == "image/jpeg" and text == big,
       "and the photo itself", (st, len(text)))
    st, doc, _, _ = amina.call("GET", "/api/photos/../../atelier.db")
    ok(st in (400, 404), "a photo's name is its hash, nothing else", (st, doc))
    # Refused on its Content-Length, before a byte of it is read.
    c = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    c.sendall(("POST /api/checklists/web-check/steps/look/photos HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
               "Cookie: %s\r\nX-CSRF-Token: %s\r\nContent-Type: image/jpeg\r\n"
               "Content-Length: %d\r\n\r\n" % (srv.port, sam0.cookie, sam0.csrf, 5 * 1024 * 1024)).encode())
    resp = c.recv(65536)
    c.close()
    ok(resp.startswith(b"HTTP/1.1 413") and b"over 4 MiB" in resp, "a photo over 4 MiB: 413", resp)

    # A screen follows the events: it opens the stream before the grade.
    stream = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    stream.sendall(("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nCookie: %s\r\n\r\n"
                    % (srv.port, amina.cookie)).encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += stream.recv(4096)
    ok(head.startswith(b"HTTP/1.1 200") and b"text/event-stream" in head,
       "the events come as a server-sent-events stream", head)

    sam = Client(srv)
    st, doc, _ = sam.login("sam", secret("sam"))
    ok(st == 200 and doc["role"] == "instructor", "an instructor signs in with a password", (st, doc))
    st, doc, _, _ = sam.call("GET", "/api/queue?lang=fr")
    ok(st == 200 and [(j["id"], j["trainee"], j["checklist"]) for j in doc] == [(job, "amina", "web-check")]
       and doc[0]["submitted_ms"] > 0 and "waiting_ms" not in doc[0] and doc[0]["checklist_title"],
       "the grading queue shows the submitted job to the instructor", (st, doc))
    st, doc, _, _ = amina.call("GET", "/api/queue")
    ok(st == 403 and doc["error"] == "denied" and "instructor" in doc["why"],
       "a trainee does not see the grading queue: 403 with the reason", (st, doc))
    st, doc, _, _ = anon.call("GET", "/api/queue")
    ok(st == 401, "nor does anyone without a session: 401", (st, doc))
    # The console's other routes: the overview, a job's chain check, the decisions.
    st, doc, _, _ = sam.call("GET", "/api/overview?lang=fr")
    ok(st == 200 and isinstance(doc.get("jobs"), list) and all(j["id"] != job for j in doc["jobs"]),
       "the overview answers the instructor; a submitted job is not in work", (st, doc))
    st, doc, _, _ = sam.call("GET", "/api/jobs/%d/verify" % job)
    ok(st == 200 and doc["ok"] is True and doc["entries"] >= 2, "the instructor checks the job's chain", (st, doc))
    for method, path, body in (("GET", "/api/overview", None), ("GET", "/api/jobs/%d/verify" % job, None),
                               ("POST", "/api/jobs/%d/resume" % job, {"why": "go on"}),
                               ("POST", "/api/jobs/%d/cancel" % job, {"why": "stop"})):
        st, doc, _, _ = amina.call(method, path, body)
        ok(st == 403 and doc["error"] == "denied", "a trainee is refused %s %s: 403" % (method, path), (st, doc))
        st, doc, _, _ = anon.call(method, path, body)
        ok(st == 401, "and anyone without a session %s %s: 401" % (method, path), (st, doc))
    # The devices board and its changes: an instructor's.
    st, doc, _, _ = sam.call("GET", "/api/board?state=in_repair")
    ok(st == 200 and any(d["marketing_name"] == "iPhone 13" and d["certificates"] == [] for d in doc["devices"]),
       "the devices board lists the iPhone in repair with its name", (st, doc))
    st, doc, _, _ = sam.call("GET", "/api/board?state=broken")
    ok(st == 400 and "'broken' is not a state" in doc["why"], "an unknown state on the board: 400 with the states", (st, doc))
    dev = DEVICE
    st, doc, _, _ = sam.call("GET", "/api/devices/%s/certification" % dev)
    ok(st == 200 and doc["ready"] is False and len(doc["unmet"]) > 0,
       "asked whether it can be certified: not yet, with what is unmet", (st, doc))
    said = doc.get("said") or []
    named = [x["args"] for x in said if "checklist_id" in x.get("args", {})]
    ok(len(said) == len(doc["unmet"]) and all(isinstance(x.get("say"), str) for x in said)
       and any(a["checklist_id"] == "web-check" and a["checklist"] == "Screen check" for a in named),
       "and each condition said for the screen to translate, a checklist of the set by its title", said)
    for method, path, body in (("GET", "/api/board", None), ("GET", "/api/devices/%s/certification" % dev, None),
                               ("POST", "/api/devices/%s/certify" % dev, {}),
                               ("POST", "/api/devices/%s/state" % dev, {"state": "recycled", "why": "x"}),
                               ("POST", "/api/certificates/nope/revoke", {"why": "x"})):
        st, doc, _, _ = amina.call(method, path, body)
        ok(st == 403 and doc["error"] == "denied", "a trainee is refused %s %s: 403" % (method, path), (st, doc))
    st, doc, _, _ = sam.call("POST", "/api/devices/%s/certify" % dev, {})
    ok(st == 409 and doc["detail"]["certified"] is False and len(doc["detail"]["unmet"]) > 0,
       "certify from the console while conditions are unmet: 409 with each of them", (st, doc))
    st, doc, _, _ = sam.call("POST", "/api/certificates/nope/revoke", {"why": "test"})
    ok(st == 404, "revoking a certificate that does not exist: 404", (st, doc))
    st, doc, _, _ = sam.call("POST", "/api/devices/%s/state" % dev, {"state": "in_repair"})
    ok(st == 400 and "why" in doc["why"], "a move without its reason: 400", (st, doc))
    st, doc, _, _ = sam.call("POST", "/api/jobs/%d/resume" % job, {"why": "go on"})
    ok(st == 409 and "nothing to decide" in doc["why"], "a job that is not stopped has nothing to resume: 409", (st, doc))
    st, doc, _, _ = sam.call("POST", "/api/jobs/%d/cancel" % job, {})
    ok(st == 400 and "why" in doc["why"], "a cancel without its reason: 400 naming what is missing", (st, doc))
    st, doc, _, _ = sam.call("POST", "/api/jobs/%d/grade" % job,
                             {"verdict": "approved", "feedback": "Well done", "scores": {}})
    ok(st == 200 and doc["grade"]["verdict"] == "approved", "the instructor grades it", (st, doc))
    st, doc, _, _ = sam.call("GET", "/api/queue")
    ok(st == 200 and doc == [], "the graded job leaves the queue", (st, doc))
    st, doc, _, _ = sam.call("GET", "/api/jobs?state=approved")
    ok(st == 200 and [(j["id"], j["stage"], j["verdict"]) for j in doc] == [(job, "approved", "approved")],
       "the jobs list by stage: the approved job", (st, doc))
    st, doc, _, _ = sam.call("GET", "/api/jobs?state=submitted")
    ok(st == 200 and doc == [], "and none waits for a grade", (st, doc))
    # A trainee's training: hers to read, anyone's for an instructor; sign-offs are theirs.
    st, doc, _, _ = amina.call("GET", "/api/trainees/amina")
    ok(st == 200 and doc["trainee"] == "amina" and doc["signoffs"] == []
       and any(c["id"] == "web-check" and c["approved"] == 1 and c["ready"] for c in doc["checklists"]),
       "the trainee reads her own training: the approved job counted", (st, doc))
    st, doc, _, _ = amina.call("GET", "/api/trainees/sam")
    ok(st == 403 and "her own training only" in doc["why"], "but not another's: 403", (st, doc))
    st, doc, _, _ = sam.call("GET", "/api/trainees/amina")
    ok(st == 200 and doc["trainee"] == "amina", "an instructor reads anyone's", (st, doc))
    ok(all(s.get("score_max") is not None for s in doc["record"]["scores"]),
       "each score of the record comes with its maximum, for the chart", doc["record"]["scores"])
    st, doc, _, _ = sam.call("GET", "/api/trainees")
    ok(st == 200 and any(r["trainee"] == "amina" and r["checklist"] == "web-check" and r["approved"] == 1 for r in doc["rows"]),
       "the console's list of trainees: every trainee's figures per checklist", (st, doc))
    st, doc, _, _ = amina.call("GET", "/api/trainees")
    ok(st == 403 and doc["error"] == "denied", "a trainee does not list the trainees: 403", (st, doc))
    st, doc, _, _ = amina.call("POST", "/api/trainees/amina/signoffs", {"competence": "esd-safety", "note": "me"})
    ok(st == 403, "a trainee cannot sign anyone off: 403", (st, doc))
    st, doc, _, _ = sam.call("POST", "/api/trainees/amina/signoffs", {"competence": "esd-safety"})
    ok(st == 400 and "note" in doc["why"], "a sign-off without a note: 400", (st, doc))
    st, doc, _, _ = sam.call("POST", "/api/trainees/amina/signoffs", {"competence": "esd-safety", "note": "Careful"})
    ok(st == 404 and "no checklist trains 'esd-safety'" in doc["why"],
       "a competence no checklist trains: 404 with the reason", (st, doc))
    st, doc, _, _ = anon.call("GET", "/api/trainees/amina")
    ok(st == 401, "nobody's training without a session: 401", (st, doc))
    # Her training record to download: hers for her, anyone's for an instructor.
    st, _, r, body = sam.call("GET", "/api/trainees/amina/report")
    ok(st == 200 and body.startswith(b"%PDF-") and r.getheader("Content-Type") == "application/pdf"
       and r.getheader("Content-Disposition") == 'attachment; filename="training-amina.pdf"'
       and r.getheader("Cache-Control") == "no-store",
       "an instructor downloads a trainee's record: a PDF, as an attachment with her name", (st, r.getheaders(), body[:40]))
    pdf = os.path.join(TMP, "record.pdf")
    with open(pdf, "wb") as f:
        f.write(body)
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True).stdout
    ok("Training record" in text and "Screen check" in text and "Well done" in text,
       "the PDF read back has her checklist and her feedback", text[:600])
    st, doc, _, _ = amina.call("GET", "/api/trainees/sam/report")
    ok(st == 403 and "her own training only" in doc["why"], "a trainee cannot download another's: 403", (st, doc))
    st, doc, _, _ = anon.call("GET", "/api/trainees/amina/report")
    ok(st == 401, "nor can anyone without a session: 401", (st, doc))
    st, _, r, body = amina.call("GET", "/api/trainees/amina/report?format=html")
    ok(st == 200 and b'<html lang="en">' in body,
       "her screen in Arabic, which the record is not written in: the workshop's language", (st, body[:200]))
    st, _, _, _ = amina.call("POST", "/api/me/lang", {"lang": "fr"})
    st, _, r, body = amina.call("GET", "/api/trainees/amina/report?format=html")
    ok(st == 200 and r.getheader("Content-Type") == "text/html; charset=utf-8"
       and r.getheader("Content-Disposition") == 'attachment; filename="training-amina.html"'
       and b'<html lang="fr">' in body and "Dossier de formation".encode() in body and b"<script" not in body,
       "the trainee downloads her own as HTML, in the language she chose on the screen", (st, r.getheaders(), body[:300]))
    st, _, r, body = amina.call("GET", "/api/trainees/amina/report?format=html&lang=nl")
    ok(st == 200 and b'<html lang="nl">' in body and "Opleidingsdossier".encode() in body,
       "lang= asks another language", (st, body[:300]))
    st, _, r, body = sam.call("GET", "/api/trainees/amina/report?format=csv")
    rows = body.decode().split("\r\n")
    ok(st == 200 and r.getheader("Content-Type") == "text/csv; charset=utf-8"
       and r.getheader("Content-Disposition") == 'attachment; filename="training-amina.csv"'
       and rows[0].startswith("trainee,checklist,jobs") and rows[1].startswith("amina,web-check,1,0,1,1,1.00,0,"),
       "format=csv gives her rows of the training report", (st, r.getheaders(), body[:300]))
    st, _, _, body = sam.call("GET", "/api/trainees/amina/report?format=csv&from=2020-01-01&to=2020-02-01")
    ok(st == 200 and body.decode().count("\r\n") == 1, "from= and to= bound the period: none then", (st, body))
    st, doc, _, _ = sam.call("GET", "/api/trainees/amina/report?format=docx")
    ok(st == 400 and "pdf, html or csv" in doc["why"], "an unknown format: 400 with the three there are", (st, doc))
    st, doc, _, _ = sam.call("GET", "/api/trainees/amina/report?from=yesterday")
    ok(st == 400 and "from takes a day such as 2026-12-01, not 'yesterday'" in doc["why"],
       "a day that is not one: 400 saying how to write it", (st, doc))
    st, doc, _, _ = sam.call("GET", "/api/trainees/nobody/report")
    ok(st == 404 and "no user 'nobody'" in doc["why"], "an unknown trainee: 404", (st, doc))
    # The programme's report for the funders: an instructor's download, never a trainee's.
    today = time.strftime("%Y-%m-%d")
    tomorrow = time.strftime("%Y-%m-%d", time.localtime(time.time() + 86400))
    st, _, r, body = sam.call("GET", "/api/reports/programme?from=%s&to=%s&format=csv" % (today, tomorrow))
    rows = body.decode().split("\r\n")
    ok(st == 200 and r.getheader("Content-Type") == "text/csv; charset=utf-8"
       and r.getheader("Content-Disposition") == 'attachment; filename="programme.csv"'
       and rows[0] == "section,platform,name,measure,value" and "devices,,,received," in body.decode()
       and b"amina" not in body and b"sam" not in body,
       "the programme's report downloads as CSV, naming nobody", (st, r.getheaders(), body[:300]))
    st, _, r, body = sam.call("GET", "/api/reports/programme?from=%s&to=%s&lang=nl" % (today, tomorrow))
    ok(st == 200 and body.startswith(b"%PDF-") and r.getheader("Content-Type") == "application/pdf",
       "its PDF is the default", (st, r.getheaders(), body[:40]))
    st, doc, _, _ = amina.call("GET", "/api/reports/programme?from=%s&to=%s" % (today, tomorrow))
    ok(st == 403, "a trainee cannot download the programme's report: 403", (st, doc))
    # A device's label from the browser: the intake label of the bag, as a PNG whose
    # barcode a scanner reads; the device label as a PDF.
    st, _, r, body = amina.call("GET", "/api/devices/%s/label?intake=1&format=png" % DEVICE)
    png = os.path.join(TMP, "intake.png")
    with open(png, "wb") as f:
        f.write(body)
    scan = subprocess.run(["zbarimg", "--quiet", "--raw", png], capture_output=True, text=True).stdout
    ok(st == 200 and r.getheader("Content-Type") == "image/png" and body.startswith(b"\x89PNG")
       and (r.getheader("Content-Disposition") or "").startswith('attachment; filename="label-AT-')
       and scan.strip().startswith("AT-"),
       "anyone signed in downloads a device's intake label: its barcode scans as the stock number",
       (st, r.getheaders(), scan))
    st, _, r, body = sam.call("GET", "/api/devices/%s/label?size=62x100" % DEVICE)
    ok(st == 200 and body.startswith(b"%PDF-"), "and its label as a PDF, 62 x 100 mm", (st, r.getheaders()))
    st, doc, _, _ = sam.call("GET", "/api/devices/%s/label?size=huge" % DEVICE)
    ok(st == 400 and "62x29" in doc["why"], "a size that is not one: 400 with the sizes there are", (st, doc))
    st, doc, _, _ = sam.call("GET", "/api/devices/nothing-here/label")
    ok(st == 404, "an unknown device: 404", (st, doc))
    st, doc, _, _ = anon.call("GET", "/api/devices/%s/label" % DEVICE)
    ok(st == 401, "nobody signed in: 401", (st, doc))
    st, doc, _, _ = sam.call("GET", "/api/reports/programme?from=%s" % today)
    ok(st == 400 and "--from DAY and --to DAY" in doc["why"], "without its period: 400 saying so", (st, doc))
    got = head.split(b"\r\n\r\n", 1)[1]
    deadline = time.time() + 5
    while b"event: graded" not in got and time.time() < deadline:
        try:
            got += stream.recv(4096)
        except socket.timeout:
            break
    stream.close()
    ok(b"event: graded" in got and (b'"job":%d' % job) in got and b'"verdict":"approved"' in got,
       "the grade reaches the trainee's screen as an event at once", got)
    st, me, _, _ = amina.call("GET", "/api/me")
    ok(me.get("code") and ('"trainee":"%s"' % me["code"]).encode() in got and b"amina" not in got and b"sam" not in got,
       "every screen hears it: the trainee is named by her code, which her own screen knows",
       (me, got))
    st, doc, _, _ = sam.call("POST", "/api/jobs/%d/ack" % job)
    ok(st in (403, 409) and doc["why"], "the instructor cannot acknowledge the trainee's grade", (st, doc))
    st, doc, _, _ = amina.call("POST", "/api/jobs/%d/ack" % job)
    ok(st == 200 and doc["grade"]["verdict"] == "approved", "the trainee acknowledges her grade",
       (st, doc))
    st, doc, _, _ = sam.call("GET", "/api/audit?limit=5")
    ok(st == 200 and isinstance(doc, list) and len(doc) == 5, "the instructor reads the audit log",
       (st, doc))
    st, doc, _, _ = sam.call("GET", "/api/audit?limit=0")
    ok(st == 400, "a limit out of range: 400", (st, doc))
    # A screen asks who is signed in as it opens: a read refused for want of a session is
    # answered, not written down (a flood of reads must not become a flood of writes); a
    # change refused is.
    st, before, _, _ = sam.call("GET", "/api/audit?limit=10000")
    for _ in range(3):
        anon.call("GET", "/api/me")
        anon.call("GET", "/api/devices")
    st, after, _, _ = sam.call("GET", "/api/audit?limit=10000")
    ok(len(after) == len(before), "reads refused without a session are not in the audit log",
       (len(before), len(after), after[:3]))
    st, doc, _, _ = anon.call("POST", "/api/jobs", {"device": DEVICE, "checklist": "web-check"})
    st2, after, _, _ = sam.call("GET", "/api/audit?limit=10000")
    ok(st == 401 and len(after) == len(before) + 1
       and any(e["action"] == "refused" and e["outcome"] == "no-session" for e in after[:1] + after[-1:]),
       "a change refused without a session is", (st, len(before), len(after), after[:1], after[-1:]))

    boss = Client(srv)
    st, doc, _ = boss.login("boss", secret("boss"))
    ok(st == 200 and doc["role"] == "admin", "an admin signs in with her password", (st, doc))
    console_roles(srv, amina, sam, boss)
    resale_routes(amina, sam, boss)
    inventory(srv, amina, sam, boss)
    accounts(srv, boss)

    many_at_once(srv)
    clients_that_leave()
    kept_work_and_the_terminal(srv, amina)
    session_last_use(amina)
    killed_while_recording()
    if not os.environ.get("ATELIER_DB"):
        disk_stops_confirming()
    writer_cannot_start()

    # ---- the slow client ----
    slow = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    slow.sendall(b"POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 50\r\n\r\n{\"na")
    t0 = time.time()
    st, doc, _, _ = amina.call("GET", "/api/me")
    ok(st == 200 and time.time() - t0 < 2, "a stalled client does not hold up the others", st)
    try:
        got = slow.recv(100)
    except (ConnectionResetError, socket.timeout) as e:
        got = repr(e).encode()
    waited = time.time() - t0
    ok(got in (b"",) or got.startswith(b"ConnectionReset"),
       "the stalled client is dropped after the timeout", (got, waited))
    ok(waited < 8, "dropped within the timeout (2 s here), not held", waited)
    slow.close()

    # ---- sign out ----
    st, doc, r, _ = sam.call("POST", "/api/logout", csrf=False)
    ok(st == 403, "signing out needs the CSRF token too", (st, doc))
    st, doc, r, _ = sam.call("POST", "/api/logout")
    ok(st == 200 and "Max-Age=0" in (r.getheader("Set-Cookie") or ""),
       "signing out ends the session and clears the cookie", (st, r.getheaders()))
    st, doc, _, _ = sam.call("GET", "/api/me")
    ok(st == 401, "the old cookie no longer works", (st, doc))

    # ---- 1,000 random bad requests ----
    rnd = random.Random(20240601)
    methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "FOO", "G3T", "TRACE"]
    paths = ["/", "/api", "/api/", "/api/login", "/api/logout", "/api/me", "/api/jobs", "/api/jobs/1",
             "/api/jobs/1/steps", "/api/jobs/x/grade", "/api/jobs//submit", "/api/devices/%00",
             "/static/", "/static/app.css", "/static/%2e%2e/x", "/api/checklists/%ff%fe",
             "/api/jobs/99999999999999999999999", "/api/audit?limit=-1", "/api/jobs?state=%00",
             "*", "/api/jobs/1/ack/extra", "/%", "/api/%zz", "/api/users", "/api/users/amina/active",
             "/api/users/%00/role", "/api/users/../secret"]
    bodies = [b"", b"{}", b"[]", b"null", b'{"step":', b'{"step": {"a": [1, 2]}}', b"\x00\xff\xfe",
              b'{"name": "amina", "secret": 123}', b'{"parts": [{"name": 1}]}', b'{"corrects": -1}',
              b'{"redo": 5, "scores": []}', b'"' + b'\\' * 99 + b'"', b"[" * 40]
    headers = ["Cookie: atelier_session=" + "a" * 64, "Cookie: atelier_session=zz", "Cookie: ;;;===",
               "Origin: null", "Origin: http://127.0.0.1:%d" % srv.port, "X-CSRF-Token: " + "f" * 64,
               "Content-Type: text/plain", "X-Junk: \x7f\x01", "Accept: */*", "Accept-Language: fr;q=x",
               amina.cookie and "Cookie: " + amina.cookie, "X-CSRF-Token: " + amina.csrf]
    five = []
    for i in range(1000):
        method = rnd.choice(methods)
        path = rnd.choice(paths)
        if rnd.random() < 0.3:
            path += "".join(rnd.choice("abc/%.\\?&=0123456789") for _ in range(rnd.randrange(1, 20)))
        body = rnd.choice(bodies)
        if rnd.random() < 0.2:
            body = bytes(rnd.randrange(256) for _ in range(rnd.randrange(0, 300)))
        hs = rnd.sample(headers, rnd.randrange(0, 4))
        req = ("%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" % (method, path)).encode("latin-1")
        for h in hs:
            req += h.encode("latin-1") + b"\r\n"
        req += b"Content-Length: %d\r\n\r\n" % len(body) + body
        t0 = time.time()
        try:
            s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
            s.sendall(req)
            resp = b""
            while len(resp) < 12:
                chunk = s.recv(4096)
                if not chunk:
                    break
                resp += chunk
            s.close()
        except OSError as e:
            resp = b""
            if isinstance(e, socket.timeout):
                five.append((req[:200], "timeout"))
        if time.time() - t0 > 0.5:
            sys.stderr.write("SLOW %.1f %r -> %r\n" % (time.time() - t0, req[:150], resp[:40]))
        if resp.startswith(b"HTTP/1.1 5") or resp.startswith(b"HTTP/1.0 5"):
            five.append((req[:200], resp[:200]))
    ok(not five, "1,000 random bad requests: never a 5xx, never a hang", five[:5])
    st, doc, _, _ = amina.call("GET", "/api/me")
    ok(st == 200 and doc["name"] == "amina", "the server still answers GET /api/me afterwards", st)

    rc = srv.stop()
    ok(rc == 0 and "stopping" in srv.stderr(), "SIGTERM stops the server cleanly", (rc, srv.stderr()))
    ok("ERROR: AddressSanitizer" not in srv.stderr() and "runtime error" not in srv.stderr(),
       "no sanitizer report from the server", srv.stderr())

    # ---- TLS ----
    tls = Server("--tls-cert", os.path.join(TMP, "cert.pem"), "--tls-key", os.path.join(TMP, "key.pem"),
                 tls=True)
    ok(tls.banner == "Atelier is at https://127.0.0.1:%d/" % tls.port, "under TLS it says https", tls.banner)
    alice = Client(tls)
    st, doc, _ = alice.login("amina", secret("amina"))
    parts = [p.strip() for p in (getattr(alice, "set_cookie", "") or "").split(";")]
    ok(st == 200 and "Secure" in parts and "HttpOnly" in parts,
       "a sign-in over https with a self-signed certificate; the cookie is Secure", (st, parts, doc))
    st, doc, r, _ = alice.call("GET", "/api/me")
    ok(st == 200 and doc["name"] == "amina" and r.getheader("Strict-Transport-Security"),
       "the session works over https", (st, doc))
    plain = http.client.HTTPConnection("127.0.0.1", tls.port, timeout=5)
    try:
        plain.request("GET", "/api/me")
        plain_status = plain.getresponse().status
    except (OSError, http.client.HTTPException):
        plain_status = None
    ok(plain_status is None or plain_status == 400, "plain HTTP to the TLS port gets no API answer",
       plain_status)
    ok(tls.stop() == 0, "the TLS server stops cleanly", tls.stderr())

    # ---- refusals at start ----
    p = subprocess.run([ATELIER, "--data", DATA, "serve", "--listen", "0.0.0.0:%d" % free_port()],
                       capture_output=True, text=True, timeout=20)
    ok(p.returncode == 2 and "--public" in p.stderr,
       "listening beyond this machine needs --public", (p.returncode, p.stderr))
    p = subprocess.run([ATELIER, "--data", DATA, "serve", "--listen", "nowhere"],
                       capture_output=True, text=True, timeout=20)
    ok(p.returncode == 2 and "ADDR:PORT" in p.stderr, "a bad --listen is a usage error", p.stderr)

    wd = os.path.join(TMP, "webdir")
    os.makedirs(wd, exist_ok=True)
    with open(os.path.join(wd, "index.html"), "w") as f:
        f.write("<!doctype html><title>dev</title><p>from the web dir</p>")
    os.symlink("/etc/passwd", os.path.join(wd, "link.txt"))
    dev = Server("--web-dir", wd)
    st, _, _, text = Client(dev).call("GET", "/")
    ok(st == 200 and b"from the web dir" in text, "--web-dir serves the pages from that folder", text)
    st, _, _, text = Client(dev).call("GET", "/static/link.txt")
    ok(st == 404 and passwd not in text, "--web-dir does not follow a symlink out of it", (st, text))
    dev.stop()

    # ---- the workshop's languages ----
    only = Server("--languages", "nl,fr")
    st, doc, _, _ = Client(only).call("GET", "/static/i18n/index.json")
    ok(st == 200 and [l["lang"] for l in doc["languages"]] == ["nl", "fr"],
       "--languages nl,fr: the screen offers Dutch, then French", (st, doc))
    only.stop()
    p = subprocess.run([ATELIER, "--data", DATA, "serve", "--languages", "fr;rm -rf"],
                       capture_output=True, text=True, timeout=20)
    ok(p.returncode == 2 and "--languages" in p.stderr, "a bad --languages is a usage error", p.stderr)

    return done()


if __name__ == "__main__":
    sys.exit(main())

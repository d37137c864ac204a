#!/usr/bin/env python3
"""What someone who can write the database file would do to hide a change: recompute
every hash of a job's records after editing them, as src/job/job.c and
src/store/ledger.c compute them, and move the chain's head to the new end. Only the
head's signature cannot be made again without the workshop key.

usage: rechain.py DB JOB
"""
import hashlib
import json
import sqlite3
import sys


def feed(h, v):
    if v is None:
        h.update(b"-1:")
        return
    b = str(v).encode()
    h.update(b"%d:" % len(b))
    h.update(b)


def digest(*fields):
    h = hashlib.sha256()
    for f in fields:
        feed(h, f)
    return h.hexdigest()


def canonical(o):
    return json.dumps(o, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def row(db, sql, key):
    cur = db.execute(sql, (key,))
    r = cur.fetchone()
    return dict(zip([c[0] for c in cur.description], r))


KINDS = {
    "start": "SELECT id, device_id, checklist_id, checklist_version, checklist_hash, "
             "trainee_id, started_ms FROM job WHERE id = ?",
    "step": "SELECT id, job_id, seq, step_id, user_id, t_ms, spent_ms, result, value, note, "
            "parts, facts, corrects, prev_hash, hash, tester FROM step_record WHERE id = ?",
    "event": "SELECT id, job_id, kind, user_id, t_ms, record_id, result, note FROM job_event "
             "WHERE id = ?",
    "grade": "SELECT id, job_id, submitted_ms, verdict, redo, scores, feedback, by_user, t_ms "
             "FROM grade WHERE id = ?",
    "ack": "SELECT grade_id, user_id, t_ms FROM grade_ack WHERE grade_id = ?",
}


def main():
    db = sqlite3.connect(sys.argv[1])
    job = int(sys.argv[2])
    j = row(db, "SELECT * FROM job WHERE id = ?", job)
    prev = digest("atelier-job-v1", j["id"], j["device_id"], j["checklist_id"],
                  j["checklist_version"], j["checklist_hash"], j["trainee_id"], j["started_ms"])
    for r in db.execute("SELECT * FROM step_record WHERE job_id = ? ORDER BY seq", (job,)).fetchall():
        cols = [c[1] for c in db.execute("PRAGMA table_info(step_record)")]
        s = dict(zip(cols, r))
        fields = ["atelier-step-v1", s["job_id"], s["seq"], s["step_id"], s["user_id"], s["t_ms"],
                  s["spent_ms"], s["result"], s["value"], s["note"], s["parts"], s["facts"],
                  s["corrects"] or 0]
        if s["tester"] is not None:
            fields += ["tester", s["tester"]]
        fields.append(prev)
        h = digest(*fields)
        db.execute("UPDATE step_record SET prev_hash = ?, hash = ? WHERE id = ?", (prev, h, s["id"]))
        prev = h
    chain = "job:%d" % job
    prev = digest("atelier-ledger-genesis-v1", chain)
    entries = db.execute("SELECT id, seq, kind, ref, t_ms, body FROM ledger WHERE chain = ? "
                         "ORDER BY seq", (chain,)).fetchall()
    for (eid, seq, kind, ref, t_ms, body) in entries:
        b = json.loads(body)
        b["row"] = row(db, KINDS[kind], ref) if kind in KINDS else None
        body = canonical(b)
        h = digest("atelier-ledger-v1", chain, seq, kind, ref, t_ms, body, prev)
        db.execute("UPDATE ledger SET body = ?, prev_hash = ?, hash = ? WHERE id = ?",
                   (body, prev, h, eid))
        prev = h
    db.execute("UPDATE chain_head SET seq = ?, hash = ? WHERE chain = ?", (len(entries), prev, chain))
    db.commit()


main()

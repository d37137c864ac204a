#!/usr/bin/env python3
"""A workshop's records for the inventory bench, made fast: DEVICES devices, each read
once (a reading of the size a real one has), with an approved intake (its colour typed),
an approved final-qc (screen and body graded: a step record each among a dozen), one in
five an approved screen repair with its part, a shelf, a batch, and one in three sold.
The jobs are pinned to the shipped checklists (their text kept as a job keeps it).

Written straight into the database that `atelier init` made, in one transaction: the
rows are those the commands write, but the ledger's chains are not made (the inventory
does not read them; `atelier db check` would say so).

usage: inventory_fixture.py DATA_DIR DEVICES
"""
import hashlib
import json
import os
import random
import sqlite3
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
data, devices = sys.argv[1], int(sys.argv[2])
db = sqlite3.connect(os.path.join(data, "atelier.db"))
db.execute("PRAGMA journal_mode = WAL")
rnd = random.Random(14)
NOW = 1_790_000_000_000

def snapshot(name):
    text = open(os.path.join(ROOT, "checklists", name + ".yaml"), encoding="utf-8").read()
    h = hashlib.sha256(text.encode()).hexdigest()
    db.execute("INSERT OR IGNORE INTO checklist_snapshot (hash, checklist_id, version, content) "
               "VALUES (?, ?, 1, ?)", (h, name, text))
    return h

H = {n: snapshot(n) for n in ("intake-triage", "final-qc", "phone-screen-replacement")}
db.execute("INSERT INTO app_user (name, role, created_ms) VALUES ('bench-instructor', 'instructor', 0)")
inst = db.execute("SELECT id FROM app_user WHERE name = 'bench-instructor'").fetchone()[0]
trainees = []
for i in range(10):
    cur = db.execute("INSERT INTO app_user (name, role, created_ms, code) VALUES (?, 'trainee', 0, ?)",
                     ("trainee-%02d" % i, "T-%03d" % (100 + i)))
    trainees.append(cur.lastrowid)
db.execute("INSERT INTO intake_batch (name, donor, by_user, t_ms) VALUES ('B-1', 'Donor, \"one\"', ?, ?)", (inst, NOW))

MODELS = [("iPhone13,2", "iPhone 12", "MGJ93LL/A", 128035676160), ("iPhone14,5", "iPhone 13", "MLDV3CH/A", 256000000000),
          ("iPhone12,8", "iPhone SE (2nd generation)", "MX9R2ZD/A", 64000000000)]
COLOURS = ["Midnight", "Starlight", "Bleu nuit", "Rouge", "Groen"]
GRADES = ["A", "B", "C", "D"]
dev_rows, probe_rows, job_rows, rec_rows, grade_rows, shelf_rows, batch_rows = [], [], [], [], [], [], []
event_rows, sale_rows = [], []
job_id = rec_id = grade_id = event_id = 0

def job(dev, cid, t):
    global job_id
    job_id += 1
    job_rows.append((job_id, dev, cid, 1, H[cid], trainees[dev % 10], "submitted", t, t + 60000, t + 60000))
    grade_rows.append((job_id, t + 60000, "approved", "Good work.", inst, t + 120000))
    return job_id

def rec(j, seq, step, result, value=None, parts=None, t=0):
    rec_rows.append((j, seq, step, trainees[j % 10], t, 1000, result, value, None, parts, None, "0" * 64, "0" * 64))

for d in range(1, devices + 1):
    model_id, name, number, total = MODELS[d % 3]
    t = NOW - d * 60000
    udid = "00008110-%016X" % d
    imei = "35%013d" % d
    facts = {"platform": "ios", "connection": {"via": "usbmuxd", "id": udid, "trust": "trusted"},
             "identity": {"make": "Apple", "model_id": model_id, "model_number": number, "marketing_name": name,
                          "serial": "F%09d" % d, "udid": udid, "imei": [imei], "ecid": "%016X" % d,
                          "color": "1", "color_name": None},
             "device": {"class": "phone", "cellular": True, "nfc": True, "gps": True, "headphone_jack": False},
             "os": {"name": "iOS", "version": "17.1", "build": "21B74"},
             "storage": {"total_bytes": total, "free_bytes": total // 3},
             "battery": {"level_pct": 80, "health_pct": round(78 + rnd.random() * 22, 1), "cycle_count": rnd.randint(50, 900),
                         "design_mah": 2815, "full_charge_mah": 2500, "temperature_c": 25.1, "charging": False,
                         "source": "IORegistry AppleSmartBattery: NominalChargeCapacity/DesignCapacity, CycleCount"},
             "locks": {"activation_state": "Activated", "find_my": "off", "passcode": False, "supervised": False,
                       "setup_done": False},
             "errors": {"identity.color_name": "a device gives only a code: the trainee types the colour's name"}}
    dev_rows.append((d, "ios", udid, "F%09d" % d, imei, t, t, "certified" if d % 3 else "sold"))
    probe_rows.append((d, t, "ios", json.dumps(facts)))
    j = job(d, "intake-triage", t)
    rec(j, 1, "identify", "pass", t=t)
    rec(j, 2, "color-name", "pass", COLOURS[d % 5], t=t)
    rec(j, 3, "photos", "pass", t=t)
    if d % 5 == 0:
        j = job(d, "phone-screen-replacement", t + 1000)
        rec(j, 1, "open", "pass", t=t)
        rec(j, 2, "record-part", "pass", parts=json.dumps([{"name": "Screen", "origin": "aftermarket", "serial": "S%d" % d}]), t=t)
    j = job(d, "final-qc", t + 2000)
    for k, step in enumerate(["retest", "accessories", "clean", "screen-grade", "body-grade", "reset", "label"]):
        value = GRADES[(d + k) % 4] if step.endswith("-grade") else None
        rec(j, k + 1, step, "pass", value, t=t)
    shelf_rows.append((d, "S-%d" % (d % 40), inst, t))
    batch_rows.append((d, 1, inst, t))
    if d % 3 == 0:
        event_id += 1
        event_rows.append((event_id, d, "certified", "sold", inst, "sold", t + 5000))
        sale_rows.append((d, event_id, 9900 + d % 100 * 100, "EUR", ["shop", "online", "partner"][d % 3], "INV-%d" % d, inst, t + 5000))

db.executemany("INSERT INTO device (id, platform, udid, serial, imei, first_seen_ms, last_seen_ms, state) VALUES (?,?,?,?,?,?,?,?)", dev_rows)
db.executemany("INSERT INTO probe (device_id, t_ms, tool, facts) VALUES (?,?,?,?)", probe_rows)
db.executemany("INSERT INTO job (id, device_id, checklist_id, checklist_version, checklist_hash, trainee_id, state, started_ms, submitted_ms, graded_ms) VALUES (?,?,?,?,?,?,?,?,?,?)", job_rows)
db.executemany("INSERT INTO step_record (job_id, seq, step_id, user_id, t_ms, spent_ms, result, value, note, parts, facts, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rec_rows)
db.executemany("INSERT INTO grade (job_id, submitted_ms, verdict, feedback, by_user, t_ms) VALUES (?,?,?,?,?,?)", grade_rows)
db.executemany("INSERT INTO shelf_move (device_id, shelf, by_user, t_ms) VALUES (?,?,?,?)", shelf_rows)
db.executemany("INSERT INTO device_batch (device_id, batch_id, by_user, t_ms) VALUES (?,?,?,?)", batch_rows)
db.executemany("INSERT INTO device_event (id, device_id, from_state, to_state, user_id, reason, t_ms) VALUES (?,?,?,?,?,?,?)", event_rows)
db.executemany("INSERT INTO sale (device_id, event_id, price_cents, currency, channel, buyer_ref, by_user, t_ms) VALUES (?,?,?,?,?,?,?,?)", sale_rows)
db.commit()
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
print("%d devices, %d jobs, %d step records" % (devices, job_id, len(rec_rows)))

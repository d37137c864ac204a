#!/usr/bin/env python3
"""Walk one job through its checklist, as a careful trainee would.

walk_job.py ATELIER DATA DEVICE CHECKLIST TRAINEE [--before STEP=CMD]...
                                                  [--answer STEP=ARGS]... [--no-submit]

Starts the job, then records the next step the job itself says is to do (steps that
are not for this device are left out by Atelier), until none is left:
  check: pass, or skip when it is not required; choice: B when offered, "no" for a
  yes/no question, else the first option; measure: the middle of its range, with the
  workshop's tester when the step asks which one; entry: a valid IMEI or a colour name;
  note: a short note; parts: one genuine part; auto: read from the device.
A step that needs a note gets one. --answer STEP=ARGS records STEP with ARGS instead
(split on spaces; "--result fail"). --before STEP=CMD runs the shell command CMD just
before STEP (to change the fake device, as the trainee's hands would). Then submits the
job (unless --no-submit) and prints its number. Fails loudly, with the command and its
output, on the first step Atelier refuses."""
import json
import shlex
import subprocess
import sys

# A Luhn-valid IMEI with a real TAC prefix (Samsung), as a trainee reads it on the box.
IMEI = "353456789012348"


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("walk_job: %s failed (%d):\n%s%s" % (" ".join(cmd), p.returncode,
                                                      p.stdout, p.stderr))
    return p.stdout


def args_for(s, job):
    """What a careful trainee records for step S of job JOB."""
    kind = s["kind"]
    if kind == "check":
        out = ["--result", "pass" if s.get("required", True) else "skip"]
    elif kind == "choice":
        values = [o["value"] for o in s["options"]]
        if "B" in values:
            out = ["--value", "B"]
        elif sorted(values) == ["no", "yes"]:
            out = ["--value", "no"]
        else:
            out = ["--value", values[0]]
    elif kind == "measure":
        r = s["range"]
        out = ["--value", "%g" % ((r["min"] + r["max"]) / 2)]
        if s.get("tester"):
            out += ["--tester", "Workshop battery tester"]
    elif kind == "entry":
        out = ["--value", IMEI if s.get("format") == "imei" else "Midnight"]
    elif kind == "note":
        out = ["--note", "nothing to add"]
    elif kind == "parts":
        out = ["--part", "Battery,genuine,B%s,Workshop stock" % job]
    else:
        out = []
    if s.get("note_required") and "--note" not in out:
        out += ["--note", "checked: reference W-%s" % job]
    return out


def main(argv):
    atelier, data, device, checklist, trainee = argv[1:6]
    before, answers, submit = {}, {}, True
    rest = argv[6:]
    while rest:
        if rest[0] == "--no-submit":
            submit = False
            rest = rest[1:]
            continue
        if rest[0] not in ("--before", "--answer") or len(rest) < 2 or "=" not in rest[1]:
            sys.exit("walk_job: bad arguments %r" % rest)
        step, what = rest[1].split("=", 1)
        (before if rest[0] == "--before" else answers)[step] = what
        rest = rest[2:]
    a = [atelier, "--data", data]
    c = json.loads(run(a + ["checklist", "show", checklist, "--json"]))
    steps = {s["id"]: s for s in c["steps"]}
    out = json.loads(run(a + ["job", "start", "--json", "--device", device,
                              "--checklist", checklist, "--trainee", trainee]))
    job = str(out["job"]["id"])
    done = set()
    while True:
        todo = json.loads(run(a + ["job", "show", job, "--json"]))["steps_to_do"]
        todo = [t for t in todo if t not in done]
        if not todo:
            break
        sid = todo[0]
        done.add(sid)
        if sid in before:
            subprocess.run(before[sid], shell=True, check=True)
        extra = shlex.split(answers[sid]) if sid in answers else args_for(steps[sid], job)
        run(a + ["job", "step", job, sid] + extra)
    if submit:
        run(a + ["job", "submit", job])
    print(job)


if __name__ == "__main__":
    main(sys.argv)

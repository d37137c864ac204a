#!/usr/bin/env python3
"""Walk one job through every step of its checklist, as a careful trainee would.

walk_job.py ATELIER DATA DEVICE CHECKLIST TRAINEE [--before STEP=CMD]...

Starts the job, records each step in order (check: pass, or skip when it is not
required; choice: B when offered, else the first option; measure: the middle of its
range; note: a short note; parts: one part; auto: read from the device), then submits
it. --before STEP=CMD runs the shell command CMD just before STEP (to change the fake
phone, as the trainee's hands would). Prints the job number. Fails loudly, with the
command and its output, on the first step Atelier refuses."""
import json
import subprocess
import sys


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("walk_job: %s failed (%d):\n%s%s" % (" ".join(cmd), p.returncode,
                                                      p.stdout, p.stderr))
    return p.stdout


def main(argv):
    atelier, data, device, checklist, trainee = argv[1:6]
    before = {}
    rest = argv[6:]
    while rest:
        if rest[0] != "--before" or len(rest) < 2 or "=" not in rest[1]:
            sys.exit("walk_job: bad arguments %r" % rest)
        step, cmd = rest[1].split("=", 1)
        before[step] = cmd
        rest = rest[2:]
    a = [atelier, "--data", data]
    c = json.loads(run(a + ["checklist", "show", checklist, "--json"]))
    out = run(a + ["job", "start", "--device", device, "--checklist", checklist,
                   "--trainee", trainee])
    job = out.split()[1]
    for s in c["steps"]:
        if s["id"] in before:
            subprocess.run(before[s["id"]], shell=True, check=True)
        cmd = a + ["job", "step", job, s["id"]]
        kind = s["kind"]
        if kind == "check":
            cmd += ["--result", "pass" if s.get("required", True) else "skip"]
        elif kind == "choice":
            values = [o["value"] for o in s["options"]]
            cmd += ["--value", "B" if "B" in values else values[0]]
        elif kind == "measure":
            r = s["range"]
            cmd += ["--value", "%g" % ((r["min"] + r["max"]) / 2)]
        elif kind == "note":
            cmd += ["--note", "nothing to add"]
        elif kind == "parts":
            cmd += ["--part", "Battery,genuine,B%s,Workshop stock" % job]
        run(cmd)
    run(a + ["job", "submit", job])
    print(job)


if __name__ == "__main__":
    main(sys.argv)

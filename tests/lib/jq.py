#!/usr/bin/env python3
"""Assert on JSON from a test: jq.py FILE EXPR [EXPECTED]

EXPR is a Python expression over `d` (the parsed JSON), e.g.
    "d[0]['battery']['health_pct']"
With EXPECTED, exits 0 when str(value) == EXPECTED (JSON null prints as None,
booleans as True/False); without it, exits 0 when the value is truthy.
On a mismatch it prints what it found, for the TAP comment."""
import json
import sys

path, expr = sys.argv[1], sys.argv[2]
with open(path, encoding="utf-8") as f:
    d = json.load(f)
try:
    value = eval(expr, {"__builtins__": {"len": len, "any": any, "all": all,
                                         "sorted": sorted, "set": set, "str": str}},
                 {"d": d})
except Exception as e:  # noqa: BLE001 - report any failure of the expression
    print("%s: %s failed: %r" % (path, expr, e))
    sys.exit(1)
if len(sys.argv) > 3:
    ok = str(value) == sys.argv[3]
else:
    ok = bool(value)
if not ok:
    print("%s: %s is %r%s" % (path, expr, value,
                              ", expected %r" % sys.argv[3] if len(sys.argv) > 3 else ""))
sys.exit(0 if ok else 1)

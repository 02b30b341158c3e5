#!/usr/bin/env python3
# meson-skips.py BUILDDIR: list every test of the last `meson test` in
# BUILDDIR that was skipped, whole (result SKIP, e.g. exit code 77) or in
# part (a TAP line "ok ... # SKIP reason"), with the reason the test
# printed; exit 1 when there is any. tools/bootstrap test runs it after
# each suite: CI ends with zero skipped tests.
import json
import re
import sys

log = sys.argv[1] + "/meson-logs/testlog.json"
tap_skip = re.compile(r"^(?:not )?ok\b.*#\s*SKIP\b(.*)$", re.IGNORECASE)
skipped = []
try:
    with open(log) as f:
        runs = [json.loads(line) for line in f if line.strip()]
except OSError as e:
    print(f"meson-skips: cannot read {log}: {e}", file=sys.stderr)
    sys.exit(1)
if not runs:
    print(f"meson-skips: {log} lists no test", file=sys.stderr)
    sys.exit(1)
for run in runs:
    out = run.get("stdout") or ""
    if run.get("result") == "SKIP":
        why = [l for l in out.splitlines() if l.strip()][-1:] or ["(the test printed no reason)"]
        skipped.append(f"{run['name']}: {why[0]}")
    for line in out.splitlines():
        m = tap_skip.match(line.strip())
        if m:
            skipped.append(f"{run['name']}: {line.strip()}")
for s in skipped:
    print(f"SKIP {s}")
if skipped:
    print(f"{len(skipped)} skipped test(s) in {sys.argv[1]}: CI requires none", file=sys.stderr)
    sys.exit(1)
print(f"no skipped test among {len(runs)} in {sys.argv[1]}")

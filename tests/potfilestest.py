#!/usr/bin/env python3
"""Every C source or header under src/ and tools/ that marks strings for translation
(_("...") or N_("...")) must be listed in po/POTFILES, and POTFILES must list
only files that exist."""
import os
import re
import sys

top = sys.argv[1]
listed = [l.strip() for l in open(os.path.join(top, "po", "POTFILES")) if l.strip() and not l.startswith("#")]
marked = re.compile(r'\bN?_\("')
found = []
for sub in ("src", "tools"):
    for dirpath, dirs, files in os.walk(os.path.join(top, sub)):
        for f in files:
            if f.endswith((".c", ".h")):
                path = os.path.join(dirpath, f)
                if marked.search(open(path, encoding="utf-8").read()):
                    found.append(os.path.relpath(path, top))
ok = True
for f in sorted(set(found) - set(listed)):
    print("not in po/POTFILES but has translatable strings: %s" % f)
    ok = False
for f in sorted(listed):
    if not os.path.exists(os.path.join(top, f)):
        print("po/POTFILES lists a missing file: %s" % f)
        ok = False
sys.exit(0 if ok else 1)

#!/usr/bin/env python3
"""`meson install` into a scratch DESTDIR installs exactly what the %files
sections of the configured spec list: every entry matches an installed
path and every installed file is packaged (rpm refuses unpackaged files).
Translations are %find_lang's."""
import fnmatch
import json
import os
import re
import subprocess
import sys
import tempfile

build, spec = sys.argv[1:3]

opts = {o["name"]: o["value"] for o in json.loads(subprocess.run(
    ["meson", "introspect", "--buildoptions", build],
    check=True, capture_output=True, text=True).stdout)}
prefix = opts["prefix"]
macros = {
    "_prefix": prefix,
    "_bindir": os.path.join(prefix, opts["bindir"]),
    "_sbindir": os.path.join(prefix, opts["sbindir"]),
    "_sysconfdir": os.path.join(prefix, opts["sysconfdir"]),
    "_unitdir": os.path.join(prefix, "lib/systemd/system"),
    "_libdir": os.path.join(prefix, opts["libdir"]),
    "_datadir": os.path.join(prefix, opts["datadir"]),
    "_mandir": os.path.join(prefix, opts["mandir"]),
    "_includedir": os.path.join(prefix, opts["includedir"]),
}

text = open(spec).read()
name = re.search(r"^Name:\s*(\S+)", text, re.M).group(1)
macros["name"] = name
entries = []
infiles = False
for line in text.splitlines():
    if line.startswith("%files"):
        infiles = True
        continue
    if re.match(r"^%(package|description|prep|build|install|check|changelog)\b", line):
        infiles = False
    if not infiles or not line.strip() or re.match(r"^%(doc|license|dir)\b", line):
        continue
    line = re.sub(r"^%config(\(noreplace\))?\s+", "", line.strip())
    entries.append(re.sub(r"%\{(\w+)\}", lambda m: macros[m.group(1)], line))

with tempfile.TemporaryDirectory() as dest:
    r = subprocess.run(["meson", "install", "-C", build, "--destdir", dest,
                        "--no-rebuild", "--quiet"], capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stdout + r.stderr)
        print("not ok - meson install failed")
        sys.exit(1)
    installed = []
    for root, dirs, files in os.walk(dest):
        for f in files:
            path = "/" + os.path.relpath(os.path.join(root, f), dest)
            if "/locale/" not in path:
                installed.append(path)

    def covers(entry, path):
        if entry.endswith("/"):
            return path.startswith(entry)
        return fnmatch.fnmatch(path, entry)

    fail = 0
    for e in entries:
        if not any(covers(e, p) for p in installed):
            print("not ok - %%files lists %s, which meson does not install" % e)
            fail = 1
    for p in sorted(installed):
        if not any(covers(e, p) for e in entries):
            print("not ok - %s is installed but not in %%files" % p)
            fail = 1
    if not fail:
        print("ok - %d %%files entries cover the %d installed files" % (len(entries), len(installed)))
    sys.exit(fail)

#!/usr/bin/env python3
"""The spec configured from libvirt.spec.in must be accepted by
`rpmbuild -bs` (a source package is built from a tarball of the tree)."""
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

top, spec, name, version = sys.argv[1:5]
if not shutil.which("rpmbuild"):
    print("rpmbuild not installed")
    sys.exit(77)
with tempfile.TemporaryDirectory() as tmp:
    for d in ("SOURCES", "SPECS", "SRPMS", "BUILD", "RPMS"):
        os.makedirs(os.path.join(tmp, d))
    prefix = "%s-%s" % (name, version)

    def keep(info):
        base = info.name.split("/")[1] if "/" in info.name else ""
        return None if base.startswith("build") or base == ".git" else info

    with tarfile.open(os.path.join(tmp, "SOURCES", prefix + ".tar.xz"), "w:xz") as tar:
        tar.add(top, arcname=prefix, filter=keep)
    r = subprocess.run(["rpmbuild", "-bs", "--nodeps", "--define", "_topdir " + tmp, spec],
                       capture_output=True, text=True)
    sys.stdout.write(r.stdout + r.stderr)
    srpms = os.listdir(os.path.join(tmp, "SRPMS"))
    if r.returncode != 0 or not srpms:
        print("rpmbuild -bs failed")
        sys.exit(1)
    print("built", srpms[0])

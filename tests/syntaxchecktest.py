#!/usr/bin/env python3
"""syntaxchecktest.py SCRIPT SRCDIR: tools/syntax-check on bad and good
snippets, in a scratch tree with its own QMP schema and git history, and
on the real tree's recorded QMP schema.

Prints TAP; each case runs the script and checks its exit status and that
each expected FILE:LINE: RULE line is printed (and no other problem)."""

import os
import re
import shutil
import subprocess
import sys
import tempfile

script, srcdir = sys.argv[1], sys.argv[2]
count = 0
failed = 0

REPLIES = """{"QMP":{"version":{}}}

{"execute":"qmp_capabilities"}

{"return":{}}

{"execute":"query-qmp-schema"}

{"return":[{"name":"query-status","meta-type":"command"},{"name":"stop","meta-type":"command"},{"name":"StatusInfo","meta-type":"object"}]}
"""

BAD = {
    # file: (content, [(line, rule), ...])
    "src/qemu/qemu_driver.c": (
        'static int f(qemuMonitor *mon)\n'
        '{\n'
        '    /* "stop" in a comment is no command */\n'
        '    if (qemuMonitorCommand(mon, "query-status", NULL, 0, NULL) < 0)\n'
        '        return -1;\n'
        '    return qemuMonitorCommand(mon, "stop", NULL, 0, NULL);\n'
        '}\n'
        'static const char *j = "{\\"execute\\":\\"cont\\"}";\n',
        [(4, "qmp-name"), (6, "qmp-name"), (8, "qmp-name")]),
    "src/util/virwait.c": (
        'void w(void)\n'
        '{\n'
        '    g_usleep(1000);\n'
        '}\n',
        [(3, "g-usleep")]),
    "src/conf/pick.c": (
        'int p(int a, int b)\n'
        '{\n'
        '    int x = a ? b : 0;\n'
        '    int y = a ? 1 :\n'
        '            b ? 2 : 3;\n'
        '    int z = a ? (b ? 1 : 2) : 3;\n'
        '    return (a ? b : x) ? y : z;\n'
        '}\n',
        [(5, "nested-ternary"), (6, "nested-ternary"), (7, "nested-ternary")]),
    "src/util/virsock.c": (
        'int s(const char *path)\n'
        '{\n'
        '    int fd = -1;\n'
        '    int ret = -1;\n'
        '\n'
        '    if ((fd = open(path, O_RDONLY)) < 0)\n'
        '        goto cleanup;\n'
        '    ret = 0;\n'
        ' cleanup:\n'
        '    if (fd >= 0)\n'
        '        close(fd);\n'
        '    return ret;\n'
        '}\n'
        'int t(void)\n'
        '{\n'
        '    int sock = -1;\n'
        '\n'
        '    sock = socket(AF_UNIX, SOCK_STREAM, 0);\n'
        '    use(sock);\n'
        '    VIR_FORCE_CLOSE(sock);\n'
        '    return 0;\n'
        '}\n',
        [(3, "autoclose"), (16, "autoclose")]),
}

GOOD = {
    # the monitor may name commands
    "src/qemu/qemu_monitor_json.c": (
        'int q(qemuMonitor *mon) { return qemuMonitorCommand(mon, "query-status", NULL, 0, NULL); }\n'),
    "src/qemu/qemu_capabilities.c": (
        '#include "stop"\n'
        'static bool has(const char *name) { return STREQ(name, "stop"); }\n'
        '/* g_usleep(1) in a comment */\n'
        'static const char *s = "g_usleep(1)";\n'),
    "src/conf/ok.c": (
        '#define PICK(a, b) a ? b : 0\n'
        'int o(int a, int b)\n'
        '{\n'
        '    int x = a ? b : 0, y = b ? a : 1;\n'
        '    return f(a ? 1 : 2, b ? 3 : 4) + x + y;\n'
        '}\n'
        'int h(const char *path)\n'
        '{\n'
        '    VIR_AUTOCLOSE int fd = -1;\n'
        '    int keep = -1;\n'
        '\n'
        '    if ((keep = open(path, O_RDONLY)) < 0)\n'
        '        close(keep);\n'
        '    fd = keep;\n'
        '    fd = -1;\n'
        '    return keep;\n'
        '}\n'),
}


def ok(cond, title, detail=""):
    global count, failed
    count += 1
    if cond:
        print("ok %d - %s" % (count, title))
    else:
        failed += 1
        print("not ok %d - %s" % (count, title))
        for line in detail.splitlines():
            print("#   " + line)


def write(root, rel, content):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(content)


def run(*args, cwd=None):
    p = subprocess.run([sys.executable, script] + list(args), capture_output=True,
                       text=True, cwd=cwd, check=False)
    return p.returncode, p.stdout + p.stderr


def problems(out):
    return [l for l in out.splitlines() if not l.startswith(("#", "syntax-check:"))]


def git(root, *args):
    subprocess.run(["git", "-C", root, "-c", "user.name=t", "-c", "user.email=t@t",
                    "-c", "commit.gpgsign=false"] + list(args),
                   check=True, capture_output=True)


def scratch(files, exceptions=""):
    root = tempfile.mkdtemp(prefix="syntaxchecktest-")
    write(root, "tests/qemucapabilitiesdata/caps_1.0.0.x86_64.replies", REPLIES)
    write(root, "tools/syntax-check.exceptions", exceptions)
    for rel, content in files.items():
        write(root, rel, content)
    return root


def main():
    # each bad snippet alone: fails, with exactly its expected lines
    for rel, (content, expected) in BAD.items():
        root = scratch({rel: content})
        try:
            rc, out = run("--srcdir", root, "--no-commits")
            want = ["%s:%d: %s" % (rel, line, rule) for line, rule in expected]
            got = [re.sub(r"^(.*?:\d+: [a-z-]+):.*", r"\1", l) for l in problems(out)]
            ok(rc == 1 and sorted(got) == sorted(want),
               "%s: %s" % (rel, ", ".join(sorted({r for _, r in expected}))),
               "exit %d, expected 1\nexpected:\n%s\noutput:\n%s" % (rc, "\n".join(want), out))
        finally:
            shutil.rmtree(root)

    # the good snippets pass (and the bad ones first proved the rules fire)
    root = scratch(GOOD)
    try:
        rc, out = run("--srcdir", root, "--no-commits")
        ok(rc == 0 and not problems(out) and "3 files, no problems" in out,
           "good snippets pass", out)
    finally:
        shutil.rmtree(root)

    # exceptions excuse a file from one rule only; unused ones are stale
    rel, (content, expected) = "src/util/virwait.c", BAD["src/util/virwait.c"]
    root = scratch({rel: content, "src/conf/pick.c": BAD["src/conf/pick.c"][0]},
                   "# comment\n%s:g-usleep\nsrc/conf/pick.c:g-usleep\n" % rel)
    try:
        rc, out = run("--srcdir", root, "--no-commits")
        ok(rc == 1 and not any("g-usleep" in l for l in problems(out)) and
           any("nested-ternary" in l for l in problems(out)) and
           "stale exception src/conf/pick.c:g-usleep" in out,
           "an exception excuses its file and rule, stale ones are named", out)
        rc2, out2 = run("--srcdir", root, "--no-commits", "--strict")
        ok(rc2 == 1 and any("stale exception" in l for l in problems(out2)),
           "--strict fails on a stale exception", out2)
    finally:
        shutil.rmtree(root)

    # commits of BASE..HEAD
    root = scratch({})
    try:
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "bad subject on main, not checked")
        git(root, "checkout", "-q", "-b", "topic")
        msgs = [
            ("good", "util: a subject\n\nA body that says why.\n"),
            ("long", "util: " + "x" * 67 + "\n\nBody.\n"),
            ("area", "no area here\n\nBody.\n"),
            ("body", "util: no body\n"),
        ]
        for name, msg in msgs:
            write(root, name, name)
            git(root, "add", name)
            git(root, "commit", "-q", "-m", msg)
        rc, out = run("--srcdir", root)
        p = problems(out)
        ok(rc == 1 and len(p) == 3 and
           any("subject of 73 characters" in l for l in p) and
           any("not 'area: summary': no area here" in l for l in p) and
           any("no body" in l and "util: no body" in l for l in p) and
           not any("a subject" in l or "on main" in l for l in p),
           "commits of main..HEAD: long subject, no area, no body", out)
        rc, out = run("--srcdir", root, "--base", "nosuchbranch")
        ok(rc == 0 and "skipped, no revision 'nosuchbranch'" in out,
           "commits: skipped without the base revision", out)
    finally:
        shutil.rmtree(root)
    root = scratch({})
    try:
        rc, out = run("--srcdir", root)
        ok(rc == 0 and "is not a git checkout" in out,
           "commits: skipped outside a git checkout", out)
    finally:
        shutil.rmtree(root)

    # the real tree's recorded schema knows the commands the driver sends
    root = tempfile.mkdtemp(prefix="syntaxchecktest-")
    try:
        write(root, "src/qemu/qemu_hotplug.c",
              'int f(qemuMonitor *mon) { return qemuMonitorCommand(mon, "device_del", a, 0, NULL); }\n')
        rc, out = run("--srcdir", srcdir, "--no-commits", "--exceptions", os.devnull,
                      os.path.join(root, "src/qemu/qemu_hotplug.c"))
        ok(rc == 1 and 'QMP command "device_del"' in out,
           "the recorded QMP schema names device_del", out)
    finally:
        shutil.rmtree(root)

    print("1..%d" % count)
    return 1 if failed else 0


sys.exit(main())

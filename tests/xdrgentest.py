#!/usr/bin/env python3
"""src/rpc/xdrgen.py builds a procedure table only from a fully annotated
.x file: each malformed input below must be refused with its message, and
a good one gives the expected entries."""
import os
import subprocess
import sys
import tempfile

xdrgen = sys.argv[1]

HEAD = """
const T_PROGRAM = 0x1234;
const T_PROTOCOL_VERSION = 1;
struct t_get_args { int a; };
struct t_get_ret { int b; };
struct t_ev_msg { int c; };
"""

CASES = [
    ("no annotation", "enum t_procedure { T_PROC_GET = 1, T_PROC_EV = 2 };",
     "T_PROC_GET has no annotation comment"),
    ("both ro and rw", "enum t_procedure { /* @ro @rw */ T_PROC_GET = 1, /* @ro @msg */ T_PROC_EV = 2 };",
     "exactly one of @ro and @rw"),
    ("neither ro nor rw", "enum t_procedure { /* @prio */ T_PROC_GET = 1, /* @ro @msg */ T_PROC_EV = 2 };",
     "exactly one of @ro and @rw"),
    ("unknown annotation", "enum t_procedure { /* @ro @fast */ T_PROC_GET = 1, /* @ro @msg */ T_PROC_EV = 2 };",
     "unknown annotation @fast"),
    ("duplicate number", "enum t_procedure { /* @ro */ T_PROC_GET = 1, /* @ro @msg */ T_PROC_EV = 1 };",
     "the same number 1"),
    ("event with args", "enum t_procedure { /* @ro @msg */ T_PROC_GET = 1, /* @ro @msg */ T_PROC_EV = 2 };",
     "T_PROC_GET is an event (@msg) but has args or ret"),
    ("msg struct of a call", "enum t_procedure { /* @ro */ T_PROC_GET = 1, /* @ro */ T_PROC_EV = 2 };",
     "T_PROC_EV has a _msg struct but is not marked @msg"),
    ("struct of no procedure", "enum t_procedure { /* @ro */ T_PROC_GET = 1 };",
     "struct t_ev_msg belongs to no procedure"),
]

GOOD = "enum t_procedure { /* @rw @prio */ T_PROC_GET = 1, /* @ro @msg */ T_PROC_EV = 2 };"

failed = 0
with tempfile.TemporaryDirectory() as tmp:
    def run(body):
        x = os.path.join(tmp, "t.x")
        with open(x, "w") as f:
            f.write(HEAD + body + "\n")
        return subprocess.run([sys.executable, xdrgen, "table", x, "T", "tProgram", "t.h",
                               os.path.join(tmp, "t.c")], capture_output=True, text=True)

    for title, body, want in CASES:
        r = run(body)
        if r.returncode == 0 or want not in r.stderr:
            print("not ok - %s: exit %d, stderr %r" % (title, r.returncode, r.stderr))
            failed += 1
        else:
            print("ok - %s refused" % title)

    r = run(GOOD)
    out = open(os.path.join(tmp, "t.c")).read() if r.returncode == 0 else ""
    want = ["{ T_PROC_GET, \"GET\",",
            "(xdrproc_t)xdr_t_get_args, sizeof(t_get_args),",
            "(xdrproc_t)xdr_t_get_ret, sizeof(t_get_ret),",
            "      VIR_NET_PROCEDURE_PRIORITY },",
            "{ T_PROC_EV, \"EV\",",
            "(xdrproc_t)xdr_t_ev_msg, sizeof(t_ev_msg),",
            "VIR_NET_PROCEDURE_READONLY | VIR_NET_PROCEDURE_MESSAGE },",
            ".prog = T_PROGRAM,"]
    missing = [w for w in want if w not in out]
    if missing:
        print("not ok - good table: missing %r; stderr %r" % (missing, r.stderr))
        failed += 1
    else:
        print("ok - good table has its entries")

print("%d passed, %d failed" % (len(CASES) + 1 - failed, failed))
sys.exit(1 if failed else 0)

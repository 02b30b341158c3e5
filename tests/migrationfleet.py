#!/usr/bin/python3
"""The orchestrator of tests/migrationfleettest.sh: random live migrations
between the daemons of namespace hosts (tests/nshosts.sh), with faults.

    migrationfleet.py run DIR NSHOSTS VIRTQEMUD VIRSH HOSTS PKI TEAMING PAUSED...

runs in the hub namespace (nshosts_admin's address) with python3-libvirt
(Debian's binding and library) as the only client: the guests are created
over TLS (TEAMING, the domain XML of a teaming guest, on host 1; each
PAUSED XML paused on host 1, 2, ...), then FLEET_STEPS (default 40) steps,
each a migration of a random guest to a random other host, peer-to-peer
(migrateToURI3, the source daemon runs the job) or client-managed
(migrate3), at 32 MiB/s (BANDWIDTH_MIB), some with --tls, with at most
one fault per step, chosen from random.Random(FLEET_SEED) (default: a new
seed, printed):

    restart-before   a daemon stopped (SIGTERM or SIGKILL) and started
                     again on its root before the migration
    kill-during      the source's or the destination's daemon stopped
                     (SIGTERM or SIGKILL) while the migration runs, started
                     again a moment later
    cut-during       the source's or the destination's link down for 2-4
                     seconds while the migration runs
    client-kill      the client SIGKILLed while the migration runs

Every fault comes with either kind of migration: a client-managed
source whose QEMU completed before its client or its daemon went, or
whose Finish failed, asks the destination's daemon, which named itself
in the cookie of Prepare (docs/migration.rst).

A migration without a fault must succeed; one with a fault may fail but
must fail cleanly: the client returns with an error (none hangs: 120 s)
and, as after every step, within a bounded time:
 - every guest is active on exactly one host as its daemons say it, every
   daemon answers (over its unix socket), and exactly one QEMU process of
   each guest runs, under the root of that host;
 - paused guests are paused, the teaming guest runs, its bond has a VF
   enslaved again and traffic flows (serial console markers);
 - VFs: each ownership record (ROOT/run/hostdev/*.owner) names a guest
   active on that host, the pool's connection count is the number of the
   pool's records, the teaming guest holds exactly one VF in all hosts,
   on its host, the one its live XML names;
 - no migration job is left: no ROOT/run/qemu/*.job or *.abort, no active
   job on any guest.
Prints TAP-like lines ("ok - ...", "not ok - ...") and a summary; exits 1
when a check failed.

    migrationfleet.py migrate SRCURI DSTURI DCONNURI NAME p2p|managed TLS

is one migration, run by the orchestrator as a child (so that it can be
killed): exit 0, or 1 with the error on stderr.
"""

import collections
import glob
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time

import libvirt

CLIENT_TIMEOUT = 120
SETTLE_TIMEOUT = 90


def quiet(_ctx, _err):
    """libvirt prints every error by default; they are reported here"""


libvirt.registerErrorHandler(quiet, None)


# The speed of every migration, MiB/s: slow enough for a fault injected
# 0-1 s after the start to find it running (unlimited, as without a
# speed, most would have ended by then)
BANDWIDTH_MIB = 32


def migrate_child(argv):
    src, dst, dconnuri, name, mode, tls = argv
    flags = libvirt.VIR_MIGRATE_LIVE
    if tls == "1":
        flags |= libvirt.VIR_MIGRATE_TLS
    params = {libvirt.VIR_MIGRATE_PARAM_BANDWIDTH: BANDWIDTH_MIB}
    try:
        dom = libvirt.open(src).lookupByName(name)
        if mode == "p2p":
            dom.migrateToURI3(dconnuri, params, flags | libvirt.VIR_MIGRATE_PEER2PEER)
        else:
            ddom = dom.migrate3(libvirt.open(dst), params, flags)
            if ddom is None or ddom.name() != name:
                sys.exit("migrate3 returned no domain " + name)
    except libvirt.libvirtError as e:
        sys.exit(str(e) or "an error without a message")
    return 0


class Fleet:
    def __init__(self, argv):
        (self.dir, self.nshosts, self.virtqemud, self.virsh, hosts,
         self.pki, teaming) = argv[:7]
        self.hosts = list(range(1, int(hosts) + 1))
        self.xml = {}
        for path in [teaming] + argv[7:]:
            with open(path) as f:
                text = f.read()
            self.xml[re.search(r"<name>([^<]+)</name>", text).group(1)] = text
        self.teaming = list(self.xml)[0]
        self.console = re.search(r"<serial type='file'><source path='([^']+)'",
                                 self.xml[self.teaming]).group(1)
        self.fail = 0
        self.where = {}

    # -- hosts ----------------------------------------------------------
    @staticmethod
    def addr(h):
        return "192.0.2.%d" % (10 + h)

    def tlsuri(self, h):
        return "qemu+tls://%s/system?pkipath=%s" % (self.addr(h), self.pki)

    def p2puri(self, h):
        # as the source daemon opens it: with its own certificates
        return "qemu+tls://%s/system" % self.addr(h)

    def root(self, h):
        return "%s/h%d" % (self.dir, h)

    def sockuri(self, h):
        return "qemu+unix:///system?socket=%s/run/virtqemud-sock" % self.root(h)

    def nshosts_cmd(self, *args):
        r = subprocess.run(["sh", self.nshosts] + [str(a) for a in args],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True, timeout=60)
        return r.returncode, r.stdout

    def daemon_pid(self, h):
        """the pid of host h's virtqemud, if it runs"""
        try:
            with open(self.root(h) + "/daemon.pid") as f:
                pid = int(f.read().strip())
            with open("/proc/%d/cmdline" % pid, "rb") as f:
                argv = f.read().split(b"\0")
        except (OSError, ValueError):
            return None
        if b"--root" in argv and argv[argv.index(b"--root") + 1] == self.root(h).encode():
            return pid
        return None

    def stop(self, h, sig):
        self.nshosts_cmd("stop", self.dir, h, sig)

    def start(self, h):
        rc, out = self.nshosts_cmd("start", self.dir, h, self.virtqemud, self.virsh, "--listen")
        if rc != 0:
            self.notok("host %d's daemon started again" % h, out)

    def link(self, h, state):
        rc, out = self.nshosts_cmd("link", self.dir, h, state)
        if rc != 0:
            self.notok("host %d's link %s" % (h, state), out)

    # -- reports --------------------------------------------------------
    @staticmethod
    def ok(title):
        print("ok - " + title, flush=True)

    def notok(self, title, details=""):
        print("not ok - " + title, flush=True)
        for line in str(details).splitlines():
            print("#   " + line, flush=True)
        self.fail = 1

    # -- what each host has ---------------------------------------------
    def qemus(self):
        """{UUID: [pids]} of every QEMU process of this run (their command
        lines do not name the root, but their output goes to a domain log
        under DIR): another run's QEMUs, of the same fixed UUIDs, are not
        counted"""
        def target(link):
            try:
                return os.readlink(link)
            except OSError:
                return ""

        found = collections.defaultdict(list)
        for cmdline in glob.glob("/proc/[0-9]*/cmdline"):
            fds = os.path.dirname(cmdline) + "/fd"
            try:
                with open(cmdline, "rb") as f:
                    argv = f.read().decode(errors="replace").split("\0")
                if not argv or "qemu-system" not in argv[0] or "-uuid" not in argv[:-1]:
                    continue
                links = [os.path.join(fds, fd) for fd in os.listdir(fds)]
            except OSError:
                continue
            if any(target(link).startswith(self.dir + "/") for link in links):
                found[argv[argv.index("-uuid") + 1]].append(int(cmdline.split("/")[2]))
        return found

    def pidfile(self, h, name):
        """the pid in host h's ROOT/run/qemu/NAME.pid, or None"""
        try:
            with open("%s/run/qemu/%s.pid" % (self.root(h), name)) as f:
                return int(f.readline().strip())
        except (OSError, ValueError):
            return None

    @staticmethod
    def owners(root):
        """[(VF address, domain, network)] of ROOT/run/hostdev/*.owner"""
        result = []
        for path in sorted(glob.glob(root + "/run/hostdev/*.owner")):
            keys = {}
            try:
                with open(path) as f:
                    for line in f:
                        if "=" in line:
                            k, v = line.strip().split("=", 1)
                            keys[k] = v
            except OSError:
                continue
            result.append((os.path.basename(path)[:-len(".owner")],
                           keys.get("domain"), keys.get("network")))
        return result

    @staticmethod
    def job_records(root):
        """the migration job records in ROOT/run/qemu"""
        return [os.path.basename(p) for p in glob.glob(root + "/run/qemu/*.job") +
                glob.glob(root + "/run/qemu/*.abort")]

    @staticmethod
    def live_vfs(xml):
        """the host PCI addresses in the <source> of a live domain XML"""
        vfs = []
        for src in re.findall(r"<source>(.*?)</source>", xml, re.S):
            for m in re.finditer(r"<address type='pci' domain='0x([0-9a-f]+)' bus='0x([0-9a-f]+)' "
                                 r"slot='0x([0-9a-f]+)' function='0x([0-9a-f]+)'", src):
                d, b, s, fn = m.groups()
                vfs.append("%04x:%02x:%02x.%x" % (int(d, 16), int(b, 16), int(s, 16), int(fn, 16)))
        return vfs

    def bonded_since(self, line0):
        """the teaming guest's last reported netdevs have a VF enslaved
        and a ping through the bond succeeded after line line0"""
        try:
            with open(self.console, errors="replace") as f:
                lines = f.read().splitlines()
        except OSError:
            return False
        block, last = [], []
        for line in lines:
            if line.startswith("GUEST-NET "):
                block.append(line)
            elif line.startswith("GUEST-NETS-END"):
                last, block = block, []
        enslaved = any("driver=e1000e" in l and "master=none" not in l for l in last)
        pings = [l for l in lines[line0:] if l.startswith("GUEST-PING")]
        return enslaved and bool(pings) and pings[-1] == "GUEST-PING ok"

    def console_lines(self):
        try:
            with open(self.console, errors="replace") as f:
                return len(f.read().splitlines())
        except OSError:
            return 0

    def problems(self, line0):
        """what is wrong with the fleet now ([] when nothing); sets
        self.where"""
        probs = []
        active = collections.defaultdict(list)
        states = {}
        uuids = {}
        qemus = self.qemus()
        for h in self.hosts:
            if self.daemon_pid(h) is None:
                probs.append("host %d: no daemon runs" % h)
                continue
            try:
                conn = libvirt.open(self.sockuri(h))
            except libvirt.libvirtError as e:
                probs.append("host %d: its daemon does not answer: %s" % (h, e))
                continue
            try:
                for dom in conn.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_ACTIVE):
                    name = dom.name()
                    active[name].append(h)
                    states[(h, name)] = dom.state()[0]
                    uuids[name] = dom.UUIDString()
                    job = dom.jobInfo()[0]
                    if job != libvirt.VIR_DOMAIN_JOB_NONE:
                        probs.append("host %d: %s has a job (type %d)" % (h, name, job))
                    if name == self.teaming:
                        vfs = self.live_vfs(dom.XMLDesc(0))
                        mine = [o[0] for o in self.owners(self.root(h)) if o[1] == name]
                        if len(vfs) != 1 or vfs != mine:
                            probs.append("host %d: %s's live XML names VFs %s, its records %s"
                                         % (h, name, vfs, mine))
                pool = conn.networkLookupByName("vfpool").XMLDesc(0)
                m = re.match(r"<network(?: connections='(\d+)')?", pool)
                used = int(m.group(1) or 0)
            except libvirt.libvirtError as e:
                probs.append("host %d: %s" % (h, e))
                continue
            finally:
                conn.close()
            recs = self.owners(self.root(h))
            pooled = [r for r in recs if r[2] == "vfpool"]
            if used != len(pooled):
                probs.append("host %d: vfpool says %d VFs in use, %d records: %s"
                             % (h, used, len(pooled), pooled))
            for vf, holder, _net in recs:
                if h not in active.get(holder, []):
                    probs.append("host %d: VF %s held by %s, which is not active there"
                                 % (h, vf, holder))
            left = self.job_records(self.root(h))
            if left:
                probs.append("host %d: job records left: %s" % (h, left))
        if probs:
            return probs
        held = sum(1 for h in self.hosts for r in self.owners(self.root(h)) if r[1] == self.teaming)
        if held != 1:
            probs.append("%s holds %d VFs in all hosts" % (self.teaming, held))
        for name in self.xml:
            hosts = active.get(name, [])
            if len(hosts) != 1:
                probs.append("%s is active on hosts %s" % (name, hosts))
                continue
            h = hosts[0]
            self.where[name] = h
            procs = qemus.get(uuids[name], [])
            files = {k: self.pidfile(k, name) for k in self.hosts}
            files = {k: pid for k, pid in files.items() if pid in procs}
            if len(procs) != 1 or files != {h: procs[0]}:
                probs.append("%s: QEMU processes %s, those of a root's pid file (by host) %s, "
                             "its daemon says host %d" % (name, procs, files, h))
            want = libvirt.VIR_DOMAIN_RUNNING if name == self.teaming else libvirt.VIR_DOMAIN_PAUSED
            if states[(h, name)] != want:
                probs.append("%s on host %d: state %d, expected %d" % (name, h, states[(h, name)], want))
        if not probs and not self.bonded_since(line0):
            probs.append("%s: no VF enslaved in its bond or no ping through it since the step began"
                         % self.teaming)
        return probs

    def settle(self, title, line0):
        """the checks, until they pass or SETTLE_TIMEOUT; the seconds taken"""
        t0 = time.monotonic()
        while True:
            probs = self.problems(line0)
            if not probs:
                self.ok(title + ": every guest on one host, every VF accounted for, no job left"
                        " (%.1f s)" % (time.monotonic() - t0))
                return time.monotonic() - t0
            if time.monotonic() - t0 > SETTLE_TIMEOUT:
                self.notok(title + ": not settled after %d s" % SETTLE_TIMEOUT, "\n".join(probs))
                self.diagnose(probs)
                return None
            time.sleep(0.5)

    def diagnose(self, probs):
        """what the hosts say, for the report of a failed check"""
        for h in self.hosts:
            for name in self.xml:
                if not any(re.search(r"\b%s\b" % name, p) for p in probs):
                    continue
                try:
                    with open("%s/log/%s.log" % (self.root(h), name), errors="replace") as f:
                        tail = [l for l in f.read().splitlines() if "migration" in l][-6:]
                except OSError:
                    continue
                print("# host %d: %s's domain log, its last migration lines:" % (h, name))
                for line in tail:
                    print("#   " + line)
            for rec in self.job_records(self.root(h)):
                with open("%s/run/qemu/%s" % (self.root(h), rec), errors="replace") as f:
                    print("# host %d: %s:" % (h, rec))
                    for line in f:
                        print("#   " + line.rstrip())
            with open(self.root(h) + "/daemon.log", errors="replace") as f:
                tail = f.read().splitlines()[-15:]
            print("# host %d's daemon log, the end:" % h)
            for line in tail:
                print("#   " + line)
        sys.stdout.flush()

    # -- the run ----------------------------------------------------------
    def setup(self):
        paused = [n for n in self.xml if n != self.teaming]
        plan = [(self.teaming, 1, 0)] + [(n, self.hosts[i % len(self.hosts)],
                                          libvirt.VIR_DOMAIN_START_PAUSED)
                                         for i, n in enumerate(paused)]
        for name, h, flags in plan:
            try:
                libvirt.open(self.tlsuri(h)).createXML(self.xml[name], flags)
            except libvirt.libvirtError as e:
                self.notok("%s created on host %d over TLS" % (name, h), e)
                return False
        self.ok("%s runs on host 1, %s paused on hosts %s (created over TLS)"
                % (self.teaming, " ".join(paused), [p[1] for p in plan[1:]]))
        if self.settle("set-up", 0) is None:
            return False
        # the checks see what they look for: a VF held by a guest that
        # is not there, a job record (in a root of no daemon: the daemons
        # remove records of guests they do not have)
        fake = "%s/run/hostdev/0000:99:00.1.owner" % self.root(3)
        os.makedirs(os.path.dirname(fake), exist_ok=True)
        with open(fake, "w") as f:
            f.write("[owner]\nholder=qemu/0/0/x\ndomain=%s\nnetwork=vfpool\n" % self.teaming)
        probs = self.problems(0)
        if os.path.exists(fake):
            os.unlink(fake)
        needle = "VF 0000:99:00.1 held by %s, which is not active there" % self.teaming
        if any(needle in p for p in probs):
            self.ok("the checks see a VF record of a guest not on that host")
        else:
            self.notok("the checks miss %s" % fake, "\n".join(probs))
        scratch = self.dir + "/selftest"
        os.makedirs(scratch + "/run/qemu")
        open(scratch + "/run/qemu/%s.job" % self.teaming, "w").close()
        if self.job_records(scratch) == ["%s.job" % self.teaming]:
            self.ok("the checks see a job record")
        else:
            self.notok("the checks miss a job record: %s" % self.job_records(scratch))
        return not self.fail

    def run(self):
        seed = int(os.environ.get("FLEET_SEED") or random.SystemRandom().randrange(1 << 32))
        steps = int(os.environ.get("FLEET_STEPS") or 40)
        print("# seed %d, %d steps (FLEET_SEED=%d FLEET_STEPS=%d to repeat)"
              % (seed, steps, seed, steps), flush=True)
        rng = random.Random(seed)
        if not self.setup():
            return 1
        outcomes = collections.Counter()
        causes = collections.Counter()
        modes = collections.Counter()
        started = time.monotonic()
        for step in range(1, steps + 1):
            name = rng.choice(list(self.xml))
            src = self.where[name]
            dst = rng.choice([h for h in self.hosts if h != src])
            mode = rng.choice(["p2p", "managed"])
            tls = rng.random() < 0.3
            fault = rng.choices(["none", "restart-before", "kill-during", "cut-during",
                                 "client-kill"], [40, 15, 20, 15, 10])[0]
            victim = rng.choice([src, dst]) if fault in ("kill-during", "cut-during") \
                else rng.choice(self.hosts)
            sig = rng.choice(["TERM", "KILL"])
            delay = rng.uniform(0, 1.0)
            hold = rng.uniform(2, 4) if fault == "cut-during" else rng.uniform(0.3, 2)
            what = "%s %s host %d -> %d%s" % (mode, name, src, dst, " --tls" if tls else "")
            if fault == "none":
                desc = what
            elif fault == "client-kill":
                desc = "%s, client SIGKILLed after %.2f s" % (what, delay)
            elif fault == "cut-during":
                desc = "%s, host %d's link cut after %.2f s for %.1f s" % (what, victim, delay, hold)
            elif fault == "kill-during":
                desc = "%s, host %d's daemon SIG%s after %.2f s, down %.1f s" % (
                    what, victim, sig, delay, hold)
            else:
                desc = "%s, host %d's daemon restarted (SIG%s) before" % (what, victim, sig)
            title = "step %d: %s" % (step, desc)
            print("# " + title, flush=True)
            line0 = self.console_lines()
            if fault == "restart-before":
                self.stop(victim, sig)
                self.start(victim)
            t0 = time.monotonic()
            child = subprocess.Popen(
                [sys.executable, os.path.abspath(__file__), "migrate", self.tlsuri(src),
                 self.tlsuri(dst), self.p2puri(dst), name, mode, "1" if tls else "0"],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
            injector = None
            if fault in ("kill-during", "cut-during", "client-kill"):
                injector = threading.Thread(target=self.inject,
                                            args=(fault, victim, sig, delay, hold, child))
                injector.start()
            try:
                out = child.communicate(timeout=CLIENT_TIMEOUT)[0].strip()
                hung = False
            except subprocess.TimeoutExpired:
                child.kill()
                out = child.communicate()[0].strip()
                hung = True
            took = time.monotonic() - t0
            if injector:
                injector.join()
            modes[mode] += 1
            if hung:
                outcome = "hung"
                self.notok("%s: the client did not return in %d s" % (title, CLIENT_TIMEOUT), out)
            elif child.returncode == 0:
                outcome = "done"
            elif fault == "client-kill" and child.returncode == -signal.SIGKILL:
                outcome = "client killed"
            else:
                outcome = "failed"
                msg = (out.splitlines() or ["(no message)"])[-1]
                causes["%s: %s" % (fault, re.sub(r"\d+", "N", msg)[:150])] += 1
                if fault in ("none", "restart-before"):
                    self.notok("%s: failed without a fault during it" % title, out)
                else:
                    self.ok("%s: failed cleanly in %.1f s: %s" % (title, took, msg))
            outcomes[outcome] += 1
            if outcome == "done":
                self.ok("%s: done in %.1f s" % (title, took))
            settled = self.settle("step %d" % step, line0)
            if settled is None:
                break
            if outcome == "done" and self.where.get(name) != dst:
                self.notok("%s: the migration succeeded, but %s is on host %s"
                           % (title, name, self.where.get(name)))
            if outcome == "client killed":
                print("#   %s: the guest is on host %d" % (title, self.where[name]), flush=True)
        print("# summary (seed %d): %d steps in %.0f s; migrations: %s; modes: %s"
              % (seed, step, time.monotonic() - started,
                 ", ".join("%s %d" % kv for kv in sorted(outcomes.items())),
                 ", ".join("%s %d" % kv for kv in sorted(modes.items()))), flush=True)
        for cause, n in sorted(causes.items()):
            print("#   failed %d x (%s)" % (n, cause), flush=True)
        if outcomes["done"] == 0:
            self.notok("no migration succeeded")
        return self.fail

    def inject(self, fault, victim, sig, delay, hold, child):
        time.sleep(delay)
        if fault == "client-kill":
            if child.poll() is None:
                child.kill()
        elif fault == "cut-during":
            self.link(victim, "down")
            time.sleep(hold)
            self.link(victim, "up")
        else:
            self.stop(victim, sig)
            time.sleep(hold)
            self.start(victim)


def main():
    if len(sys.argv) == 8 and sys.argv[1] == "migrate":
        return migrate_child(sys.argv[2:])
    if len(sys.argv) >= 9 and sys.argv[1] == "run":
        return Fleet(sys.argv[2:]).run()
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())

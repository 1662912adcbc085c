@testable import EventModel
@testable import Events
@testable import Processes
import XCTest

final class FileFieldTests: XCTestCase {
    /// rename("/tmp/a.txt", "/tmp/b.sh"): PATH items 0/1 parents, 2 the old name (DELETE), 3 the new (CREATE).
    func testRenameAndFileNameFields() throws {
        let stamp = "audit(1700000000.001:7)"
        let text = """
            type=SYSCALL msg=\(stamp): arch=c000003e syscall=82 success=yes exit=0 a0=1 a1=2 a2=0 a3=0 items=4 ppid=1 pid=50 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm="mv" exe="/usr/bin/mv" key=(null)
            type=CWD msg=\(stamp): cwd="/tmp"
            type=PATH msg=\(stamp): item=0 name="/tmp/" inode=1 dev=08:01 mode=041777 ouid=0 ogid=0 rdev=00:00 nametype=PARENT
            type=PATH msg=\(stamp): item=1 name="/tmp/" inode=1 dev=08:01 mode=041777 ouid=0 ogid=0 rdev=00:00 nametype=PARENT
            type=PATH msg=\(stamp): item=2 name="/tmp/a.txt" inode=5 dev=08:01 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=DELETE
            type=PATH msg=\(stamp): item=3 name="/tmp/b.sh" inode=5 dev=08:01 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=CREATE
            type=EOE msg=\(stamp):
            """
        var run = EnrichmentRun()
        run.run(Samples.events(fromText: text))
        let document = try XCTUnwrap(run.documents.first)
        XCTAssertEqual(document["file.path"], "/tmp/a.txt", "auditd_manager's choice (PATH item 2) is kept")
        XCTAssertEqual(document["file.name"], "b.sh", "Defend's file.name is the new name")
        XCTAssertEqual(document["file.extension"], "sh")
        XCTAssertEqual(document["file.Ext.original.path"], "/tmp/a.txt")
        XCTAssertEqual(document["file.Ext.original.name"], "a.txt")
        XCTAssertEqual(document["file.Ext.original.extension"], "txt")
        XCTAssertEqual(document["process.interactive"], false, "tty=(none)")
    }

    func testNameAndExtensionOfAnOpenedFile() throws {
        let stamp = "audit(1700000000.001:8)"
        let text = """
            type=SYSCALL msg=\(stamp): arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=1 a2=241 a3=1b6 items=2 ppid=1 pid=51 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm="touch" exe="/usr/bin/touch" key=(null)
            type=CWD msg=\(stamp): cwd="/root"
            type=PATH msg=\(stamp): item=0 name="/root/" inode=2 dev=08:01 mode=040700 ouid=0 ogid=0 rdev=00:00 nametype=PARENT
            type=PATH msg=\(stamp): item=1 name="/root/.bashrc" inode=9 dev=08:01 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=CREATE
            type=EOE msg=\(stamp):
            """
        var run = EnrichmentRun()
        run.run(Samples.events(fromText: text))
        let document = try XCTUnwrap(run.documents.first)
        XCTAssertEqual(document["file.path"], "/root/.bashrc")
        XCTAssertEqual(document["file.name"], ".bashrc")
        XCTAssertNil(document["file.extension"], "a dotfile has no extension")
        XCTAssertNil(document["file.Ext.original.path"], "only renames have an original")
    }

    /// `file.name` is the path's last component, split on the `/` byte.
    func testLastComponentAgreesWithSplittingOnSlashes() {
        let paths = ["/usr/bin/python3", "/tmp/dir/", "/", "///", "name", "//a//b//", "/tmp/.hidden", "relative/x.tar.gz",
                     "/srv/données/é.txt", "/a b/c d"]
        for path in paths {
            let expected = path.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? path
            XCTAssertEqual(FileFields.lastComponent(path), expected, path)
        }
    }
}

import Foundation
import PackageTestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `make deb` builds a package (of the debug binary, to keep the suite fast) that installs with dpkg, passes
/// `auspex check` on its own configuration, and leaves nothing behind once removed and purged. tearDown purges
/// the package whatever happened, so a failure midway does not leave it installed.
final class DebianPackageTests: XCTestCase {
    private var installed = false
    private var directory: String?

    override func tearDown() {
        if installed { _ = try? dpkg(["--purge", "auspex"]) }
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
        super.tearDown()
    }

    /// dpkg, waiting while another apt or dpkg holds the lock (other engineers install packages too).
    private func dpkg(_ arguments: [String]) throws -> Subprocess.Result {
        var result = try Subprocess.run("/usr/bin/dpkg", arguments)
        for _ in 0..<60 where result.status != 0 && result.stderr.contains("lock") {
            sleep(2)
            result = try Subprocess.run("/usr/bin/dpkg", arguments)
        }
        return result
    }

    private func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    private func userExists(_ name: String) -> Bool { getpwnam(name) != nil }

    func testPackageInstallsPassesCheckAndPurgesWithoutTrace() throws {
        guard geteuid() == 0 else { throw XCTSkip("installing a package needs root") }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/dpkg-deb") else { throw XCTSkip("dpkg-deb is absent") }
        guard (try dpkg(["-s", "auspex"])).status != 0, !exists("/etc/auspex"), !exists("/var/spool/auspex"),
              !userExists("auspex") else {
            throw XCTSkip("auspex is already installed on this machine (package, /etc/auspex, spool or user): not touching it")
        }
        let directory = NSTemporaryDirectory() + "auspex-deb-\(getpid())"
        self.directory = directory
        let make = try Subprocess.run("/usr/bin/make", ["-s", "-C", PackagePaths.root.path, "deb",
                                                        "AUSPEX_BIN=\(try PackagePaths.auspexBinary().path)",
                                                        "DEB_DIR=\(directory)", "COMPLETIONS_DIR=\(directory)/completions"])
        XCTAssertEqual(make.status, 0, make.stdout + make.stderr)
        let name = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: directory).first { $0.hasSuffix(".deb") })
        let deb = directory + "/" + name

        let info = try Subprocess.run("/usr/bin/dpkg-deb", ["--field", deb, "Package", "Version", "Architecture"])
        XCTAssertTrue(info.stdout.contains("Package: auspex"), info.stdout)
        let conffiles = try Subprocess.run("/usr/bin/dpkg-deb", ["--info", deb, "conffiles"]).stdout
        XCTAssertTrue(conffiles.contains("/etc/auspex/auspex.toml\n"), conffiles)
        XCTAssertTrue(conffiles.contains("/etc/auspex/rules.d/command_and_control_udp_reverse_shell.toml"), conffiles)
        // Regular files the package ships (`-rw…` lines of the listing), as absolute paths.
        let files = try Subprocess.run("/usr/bin/dpkg-deb", ["--contents", deb]).stdout.split(separator: "\n")
            .filter { !$0.hasPrefix("d") }.compactMap { $0.split(separator: " ").last.map { String($0.dropFirst()) } }
        for expected in ["/usr/bin/auspex", "/lib/systemd/system/auspex.service", "/usr/lib/sysusers.d/auspex.conf",
                         "/usr/lib/tmpfiles.d/auspex.conf", "/usr/share/man/man8/auspex.8", "/usr/share/man/man5/auspex.toml.5",
                         "/usr/share/man/man5/auspex-exceptions.5", "/usr/share/bash-completion/completions/auspex",
                         "/usr/share/zsh/vendor-completions/_auspex", "/usr/share/fish/vendor_completions.d/auspex.fish",
                         "/usr/lib/systemd/catalog/auspex.catalog", "/etc/auspex/auspex.toml"] {
            XCTAssertTrue(files.contains(expected), "the package lacks \(expected): \(files)")
        }

        let install = try dpkg(["-i", deb])
        installed = true
        XCTAssertEqual(install.status, 0, install.stdout + install.stderr)
        for file in files { XCTAssertTrue(exists(file), "\(file) not installed") }
        XCTAssertTrue(userExists("auspex"), "postinst created no user")
        var spool = stat()
        XCTAssertEqual(stat("/var/spool/auspex", &spool), 0, "postinst created no spool")
        XCTAssertEqual(spool.st_uid, getpwnam("auspex")?.pointee.pw_uid)
        XCTAssertTrue(try Subprocess.run("/bin/grep", ["-q", "ExecStart=/usr/bin/auspex run", "/lib/systemd/system/auspex.service"]).status == 0,
                      "the unit runs the packaged binary")
        let check = try Subprocess.run("/usr/bin/auspex", ["check", "--config", "/etc/auspex/auspex.toml"])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        XCTAssertTrue(check.stdout.contains("configuration /etc/auspex/auspex.toml ok"), check.stdout)
        XCTAssertTrue(check.stdout.contains("0 errors"), check.stdout)
        let catalog = try Subprocess.run("/usr/bin/journalctl", ["--list-catalog"])
        XCTAssertTrue(catalog.stdout.contains("e9f10111b32d456f862be33190266186 auspex: "), "postinst indexed the catalog")

        let remove = try dpkg(["-r", "auspex"])
        XCTAssertEqual(remove.status, 0, remove.stdout + remove.stderr)
        XCTAssertFalse(exists("/usr/bin/auspex"))
        XCTAssertTrue(exists("/etc/auspex/auspex.toml"), "remove keeps the conffiles")
        XCTAssertTrue(try dpkg(["-s", "auspex"]).stdout.contains("Status: deinstall ok config-files"))

        let purge = try dpkg(["--purge", "auspex"])
        XCTAssertEqual(purge.status, 0, purge.stdout + purge.stderr)
        installed = purge.status != 0
        for file in files { XCTAssertFalse(exists(file), "\(file) left behind after purge") }
        for path in ["/etc/auspex", "/var/spool/auspex", "/var/lib/auspex", "/run/auspex"] {
            XCTAssertFalse(exists(path), "\(path) left behind after purge")
        }
        XCTAssertFalse(userExists("auspex"), "purge left the user it created")
        XCTAssertNil(getgrnam("auspex"), "purge left the group it created")
        XCTAssertNotEqual(try dpkg(["-s", "auspex"]).status, 0, "dpkg still knows the package")
        let after = try Subprocess.run("/usr/bin/journalctl", ["--list-catalog"])
        XCTAssertFalse(after.stdout.contains("e9f10111b32d456f862be33190266186"), "the catalog index still has auspex")
    }
}

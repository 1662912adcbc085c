import Foundation
import PackageTestSupport
import XCTest

/// The files an operator reads beside the binary: man pages (lint-clean, and naming every subcommand and flag the
/// CLI has, so they cannot fall behind it), shell completions generated from the CLI, and the journal catalog
/// (an entry for every MESSAGE_ID the sources write).
final class OperatorFilesTests: XCTestCase {
    private func manual(_ name: String) throws -> String {
        try String(contentsOf: PackagePaths.root.appendingPathComponent("man/" + name), encoding: .utf8)
    }

    func testManualPagesHaveNoMandocWarnings() throws {
        let mandoc = "/usr/bin/mandoc"
        guard FileManager.default.isExecutableFile(atPath: mandoc) else {
            throw XCTSkip("mandoc is not installed (make test-deps installs it)")
        }
        for page in ["auspex.8", "auspex.toml.5", "auspex-exceptions.5"] {
            let path = PackagePaths.root.appendingPathComponent("man/" + page).path
            // Warnings and worse; STYLE notes (such as "referenced manual not found" for pages not installed
            // here yet) depend on the machine's manual database.
            let lint = try Subprocess.run(mandoc, ["-Tlint", "-W", "warning", path])
            XCTAssertEqual(lint.status, 0, "\(page): \(lint.stdout)\(lint.stderr)")
            XCTAssertEqual(lint.stdout + lint.stderr, "", page)
            let text = try Subprocess.run(mandoc, ["-Tmarkdown", path])
            XCTAssertEqual(text.status, 0)
            for section in ["NAME", "DESCRIPTION", "FILES", "EXAMPLES", "SEE ALSO"] {
                XCTAssertTrue(text.stdout.contains("# " + section), "\(page) renders without a \(section) section")
            }
        }
    }

    /// Every subcommand `auspex --help` lists (recursively) and every long flag of every subcommand's help is in
    /// auspex(8) as mdoc markup (`Cm name`, `Fl -flag`).
    func testAuspexManualNamesEverySubcommandAndFlag() throws {
        let page = try manual("auspex.8")
        let commands = try helpTree()
        XCTAssertTrue(commands.keys.contains(["run"]) && commands.keys.contains(["exception", "add"]),
                      "help tree: \(commands.keys.sorted { $0.joined() < $1.joined() })")
        for (path, flags) in commands {
            if let name = path.last, name != "help" {
                XCTAssertTrue(page.contains("Cm \(name)") || page.contains("Cm \(path.joined(separator: " "))"),
                              "auspex(8) lacks the subcommand '\(path.joined(separator: " "))'")
            }
            for flag in flags {
                XCTAssertTrue(page.contains("Fl \(flag.dropFirst())"),
                              "auspex(8) lacks \(flag) of 'auspex \(path.joined(separator: " "))'")
            }
            XCTAssertFalse(flags.isEmpty, "no flags parsed from 'auspex \(path.joined(separator: " ")) --help'")
        }
    }

    /// Subcommand path → its long flags, read from `--help` output, following SUBCOMMANDS sections.
    private func helpTree() throws -> [[String]: Set<String>] {
        let binary = try PackagePaths.auspexBinary()
        var tree: [[String]: Set<String>] = [:]
        var pending: [[String]] = [[]]
        while let path = pending.popLast() {
            let help = try Subprocess.run(binary, path + ["--help"])
            XCTAssertEqual(help.status, 0, help.stderr)
            var flags: Set<String> = []
            var section = ""
            for line in help.stdout.split(separator: "\n", omittingEmptySubsequences: false) {
                if !line.hasPrefix(" "), line.hasSuffix(":") { section = String(line); continue }
                let words = line.split(separator: " ")
                guard line.hasPrefix("  "), !line.hasPrefix("    "), let first = words.first else { continue }
                if section == "OPTIONS:" {
                    for word in words.prefix(3) where word.hasPrefix("--") {
                        flags.insert(String(word.prefix { $0 != "," && $0 != "=" && $0 != "<" }))
                    }
                } else if section == "SUBCOMMANDS:", first.allSatisfy({ $0.isLowercase || $0 == "-" }),
                          line.dropFirst(2 + first.count).hasPrefix("  "), path.count < 3 {
                    // "  name   abstract" (not the "  See 'auspex help …'" note under the list)
                    pending.append(path + [String(first)])
                }
            }
            tree[path] = flags
        }
        return tree
    }

    /// The bash, zsh and fish scripts come from swift-argument-parser via `make completions`, and bash's completes
    /// the subcommands and a subcommand's flags.
    func testCompletionsAreGeneratedAndBashCompletesSubcommands() throws {
        let directory = NSTemporaryDirectory() + "auspex-completions-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let make = try Subprocess.run("/usr/bin/make", ["-s", "-C", PackagePaths.root.path, "completions",
                                                        "AUSPEX_BIN=\(try PackagePaths.auspexBinary().path)",
                                                        "COMPLETIONS_DIR=\(directory)"])
        XCTAssertEqual(make.status, 0, make.stdout + make.stderr)
        for (file, marker) in [("auspex.bash", "complete -o filenames -F _auspex auspex"), ("_auspex", "#compdef auspex"),
                               ("auspex.fish", "complete -c 'auspex'")] {
            let text = (try? String(contentsOfFile: directory + "/" + file, encoding: .utf8)) ?? ""
            XCTAssertTrue(text.contains(marker), "\(file) lacks \(marker)")
        }
        func complete(_ words: [String]) throws -> Set<String> {
            let line = words.joined(separator: " ")
            let script = """
                source \(directory)/auspex.bash
                COMP_WORDS=(\(words.map { "'\($0)'" }.joined(separator: " "))); COMP_CWORD=\(words.count - 1)
                COMP_LINE='\(line)'; COMP_POINT=\(line.utf8.count)
                _auspex auspex '\(words.last ?? "")' '\(words.dropLast().last ?? "")'
                printf '%s\\n' "${COMPREPLY[@]}"
                """
            let run = try Subprocess.run("/bin/bash", ["-c", script])
            XCTAssertEqual(run.status, 0, run.stderr)
            return Set(run.stdout.split(separator: "\n").map(String.init))
        }
        let subcommands = try complete(["auspex", ""])
        for name in ["events", "query", "replay", "check", "run", "status", "exception", "selftest"] {
            XCTAssertTrue(subcommands.contains(name), "bash completes \(subcommands.sorted()), not \(name)")
        }
        XCTAssertTrue(try complete(["auspex", "run", "--"]).isSuperset(of: ["--spool", "--no-journald", "--multicast"]))
        XCTAssertEqual(try complete(["auspex", "sta"]), ["status"])
    }

    /// Every `MESSAGE_ID` constant in the sources has a catalog entry, and journalctl indexes the catalog.
    func testCatalogHasAnEntryForEveryMessageID() throws {
        let catalogPath = PackagePaths.root.appendingPathComponent("systemd/auspex.catalog").path
        let catalog = try String(contentsOfFile: catalogPath, encoding: .utf8)
        let entries = Set(catalog.split(separator: "\n").filter { $0.hasPrefix("-- ") }.map { String($0.dropFirst(3)) })
        let ids = try messageIDsInSources()
        XCTAssertGreaterThanOrEqual(ids.count, 5, "the alert, the blind-spot warning and the audit-state warnings at least")
        for (id, file) in ids { XCTAssertTrue(entries.contains(id), "MESSAGE_ID \(id) of \(file) has no catalog entry") }
        XCTAssertEqual(entries, Set(ids.keys), "catalog entries without a MESSAGE_ID in the sources")

        let root = NSTemporaryDirectory() + "auspex-catalog-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/usr/lib/systemd/catalog", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: catalogPath, toPath: root + "/usr/lib/systemd/catalog/auspex.catalog")
        let update = try Subprocess.run("/usr/bin/journalctl", ["--root=\(root)", "--update-catalog"])
        XCTAssertEqual(update.status, 0, update.stderr)
        XCTAssertEqual(update.stderr, "", "journalctl found problems in the catalog")
        let list = try Subprocess.run("/usr/bin/journalctl", ["--root=\(root)", "--list-catalog"])
        XCTAssertEqual(list.status, 0, list.stderr)
        for id in ids.keys { XCTAssertTrue(list.stdout.contains(id + " auspex: "), list.stdout) }
    }

    /// `messageID = "<32 hex>"` constants under Sources, with the file that defines each.
    private func messageIDsInSources() throws -> [String: String] {
        let sources = PackagePaths.root.appendingPathComponent("Sources")
        var ids: [String: String] = [:]
        let files = FileManager.default.enumerator(atPath: sources.path)?.compactMap { $0 as? String } ?? []
        for file in files where file.hasSuffix(".swift") {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            // Every quoted 32-hex-digit literal is a MESSAGE_ID (the sources use no other such constant).
            for line in text.split(separator: "\n") where line.contains("\"") {
                let quoted = line.split(separator: "\"").map(String.init)
                for candidate in quoted where candidate.count == 32 && candidate.allSatisfy(\.isHexDigit) {
                    ids[candidate] = file
                }
            }
        }
        return ids
    }
}

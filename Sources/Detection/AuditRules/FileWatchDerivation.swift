import EQL

/// A kernel file watch (`auditctl -w PATH -p PERMISSIONS`): every syscall on the object at `path` whose kind is in
/// `permissions` (`r` read, `w` write, `a` attribute change) is audited, for every process.
struct FileWatch: Sendable, Hashable, Comparable {
    var path: String
    /// Some of `r`, `w`, `a`, in that order.
    var permissions: String

    init(path: String, permissions: String) {
        self.path = path
        self.permissions = permissions
    }

    /// auditctl spelling, e.g. `-w /etc/shadow -p r`.
    var auditctlParts: String { "-w \(path) -p \(permissions)" }

    static func < (a: FileWatch, b: FileWatch) -> Bool { (a.path, a.permissions) < (b.path, b.permissions) }
}

/// File watches that serve the rules' file-open events instead of auditing the open family (open, openat, openat2,
/// creat) host-wide, where sound.
///
/// Every event filter (event query, sequence/sample stage, `until`, missing-event stage) that can accept an event of
/// the open family must require `file.path` to be one of a finite set of literal absolute paths (`==`, `in`, `:` or
/// `like` without wildcards, in every `or` branch). A filter can accept such an event when the syscalls derived for
/// it (``AuditRuleDerivation``) include one of the open family, or when it is a `file`/`any` filter bounded by no
/// `event.action` or `auditd.data.syscall` test (it sees opens audited for other rules). Each path gets a watch with
/// `r` when the filter's only open-family events are Defend `open` (a successful open without write access, truncation
/// or creation: the kernel's read permission), and `rwa` otherwise (`opened-file`, `creation`, `modification`: opens
/// for writing, and `O_RDONLY|O_CREAT` or `O_RDONLY|O_TRUNC`, which the kernel counts as reads).
/// Otherwise, or when in doubt, no watches: the open family is audited as before.
enum FileWatchDerivation {
    /// The syscalls the watches replace.
    static let openFamily: Set<String> = ["open", "openat", "openat2", "creat"]

    /// At most this many watches: each one is a kernel rule evaluated at every syscall exit that names a path.
    static let maximumWatches = 64

    /// The watches serving every open-family event the queries can match; nil when some filter that can see such
    /// events is not bounded by literal paths, or no filter needs the open family.
    static func watches(forQueries queries: [String]) -> [FileWatch]? {
        var permissions: [String: Set<Character>] = [:]
        var needsOpenFamily = false
        for query in queries {
            guard let facts = try? QueryFacts(query: query) else { continue } // a rule that does not parse is not loaded
            for filter in facts.filters {
                let tests = QueryScan.tests(of: filter)
                var unmapped: Set<String> = [], notes: Set<String> = []
                let opens = AuditRuleDerivation.syscalls(of: tests, unmapped: &unmapped, notes: &notes)
                    .intersection(openFamily)
                let category = tests.category.lowercased()
                let seesOtherOpens = !tests.isBounded && (category == "file" || category == "any")
                guard !opens.isEmpty || seesOtherOpens else { continue }
                if !opens.isEmpty { needsOpenFamily = true }
                guard let paths = requiredPaths(of: filter) else { return nil }
                let granted = seesOtherOpens ? Set("rwa") : watchPermissions(tests)
                for path in paths { permissions[path, default: []].formUnion(granted) }
            }
        }
        guard needsOpenFamily, !permissions.isEmpty, permissions.count <= maximumWatches else { return nil }
        return permissions.map { path, granted in
            FileWatch(path: path, permissions: String("rwa".filter(granted.contains)))
        }.sorted()
    }

    /// `r` when the filter's open-family events can only be Defend `open` (read-only opens), `rwa` otherwise.
    static func watchPermissions(_ tests: FilterTests) -> Set<Character> {
        // Syscall tests and unbounded filters accept any open of the family.
        if !tests.isBounded || tests.syscalls.contains(where: { name in
            openFamily.contains { AuditRuleDerivation.wildcard(name, matches: $0) }
        }) { return Set("rwa") }
        var granted: Set<Character> = []
        for action in tests.actions {
            let matched = syscallsByLowercasedAction.filter { entry in
                action.contains("*") || action.contains("?")
                    ? AuditRuleDerivation.wildcard(action, matches: entry.key) : entry.key == action.lowercased()
            }
            for (name, syscalls) in matched where !openFamily.isDisjoint(with: syscalls) {
                granted.formUnion(name == "open" ? "r" : "rwa")
            }
        }
        return granted.isEmpty ? Set("rwa") : granted
    }

    /// The literal paths `file.path` must take for the filter to hold; nil when it can hold for others too, or a
    /// path is not absolute and canonical (the kernel watches one name; `file.path` is the name the call used).
    static func requiredPaths(of filter: FilterFacts) -> Set<String>? {
        guard let paths = filter.requiredValues(of: "file.path", foldingCase: false),
              !paths.isEmpty, paths.allSatisfy(isWatchablePath) else { return nil }
        return paths
    }

    /// An absolute path without empty, `.` or `..` components, no trailing slash, no control characters.
    static func isWatchablePath(_ path: String) -> Bool {
        guard path.hasPrefix("/"), path.count > 1, path.utf8.count < 4096, !path.hasSuffix("/") else { return false }
        guard !path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else { return false }
        return !path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
            .contains { $0.isEmpty || $0 == "." || $0 == ".." }
    }
}

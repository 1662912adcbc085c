/// Generic record keys every busy host logs (PATH, BPRM_FCAPS, CONFIG_CHANGE, user-space and AVC records, …), named
/// by static strings: the collector hands out these spellings instead of decoding a new String for such a key in
/// every record. Recognised like ``KnownKey``: by length, then by the key's bytes read as one integer.
enum CommonKeys {
    /// Every spelling, in the order `lookUp` numbers them.
    static let spellings: [String] = [
        "item", "name", "inode", "dev", "mode", "ouid", "ogid", "rdev", "nametype", "cap_fp", "cap_fi", "cap_fe",
        "cap_fver", "fver", "fp", "fi", "fe", "old_pp", "old_pi", "old_pe", "old_pa", "pp", "pi", "pe", "pa",
        "frootid", "op", "ver", "format", "kernel", "old", "list", "new", "family", "table", "entries", "acct",
        "hostname", "addr", "terminal", "grantors", "unit", "id", "cmd", "seresult", "seperms", "scontext",
        "tcontext", "tclass", "fd", "fd0", "fd1", "sig", "nargs", "argc", "reason", "saddr", "cap_frootid",
    ]

    /// The static spelling of `key`, or nil when it is not a common key (then the caller decodes its bytes).
    static func spelling(of key: UnsafeBufferPointer<UInt8>) -> String? { lookUp(key)?.spelling }

    /// `auditd.data.<key>` for a common key (none has a `-` or `.` for the pipeline to rename), or nil: the builder
    /// names such a field without concatenating a new String for every event.
    static func dataFieldName(of key: String) -> String? {
        var key = key
        return key.withUTF8 { lookUp($0) }.map { dataFieldNames[$0.index] }
    }

    /// `auditd.data.` + each spelling, made once.
    static let dataFieldNames: [String] = spellings.map { "auditd.data." + $0 }

    /// The position of `key` in `spellings` and the spelling itself (a literal: no array read), or nil.
    private static func lookUp(_ key: UnsafeBufferPointer<UInt8>) -> (index: Int, spelling: String)? {
        if key.count == 11 { return key.equals("cap_frootid") ? (57, "cap_frootid") : nil }
        guard key.count >= 2, key.count <= 8 else { return nil }
        var packed: UInt64 = 0
        for index in (0..<key.count).reversed() { packed = packed << 8 | UInt64(key[index]) }
        switch key.count {
        case 2:
            switch packed {
            case 0x6170: return (24, "pa")
            case 0x6466: return (49, "fd")
            case 0x6469: return (42, "id")
            case 0x6566: return (16, "fe")
            case 0x6570: return (23, "pe")
            case 0x6966: return (15, "fi")
            case 0x6970: return (22, "pi")
            case 0x7066: return (14, "fp")
            case 0x706F: return (26, "op")
            case 0x7070: return (21, "pp")
            default: return nil
            }
        case 3:
            switch packed {
            case 0x306466: return (50, "fd0")
            case 0x316466: return (51, "fd1")
            case 0x646C6F: return (30, "old")
            case 0x646D63: return (43, "cmd")
            case 0x676973: return (52, "sig")
            case 0x726576: return (27, "ver")
            case 0x766564: return (3, "dev")
            case 0x77656E: return (32, "new")
            default: return nil
            }
        case 4:
            switch packed {
            case 0x63677261: return (54, "argc")
            case 0x6469676F: return (6, "ogid")
            case 0x6469756F: return (5, "ouid")
            case 0x65646F6D: return (4, "mode")
            case 0x656D616E: return (1, "name")
            case 0x6D657469: return (0, "item")
            case 0x72646461: return (38, "addr")
            case 0x72657666: return (13, "fver")
            case 0x74636361: return (36, "acct")
            case 0x74696E75: return (41, "unit")
            case 0x7473696C: return (31, "list")
            case 0x76656472: return (7, "rdev")
            default: return nil
            }
        case 5:
            switch packed {
            case 0x65646F6E69: return (2, "inode")
            case 0x656C626174: return (34, "table")
            case 0x7264646173: return (56, "saddr")
            case 0x736772616E: return (53, "nargs")
            default: return nil
            }
        case 6:
            switch packed {
            case 0x61705F646C6F: return (20, "old_pa")
            case 0x65665F706163: return (11, "cap_fe")
            case 0x65705F646C6F: return (19, "old_pe")
            case 0x69665F706163: return (10, "cap_fi")
            case 0x69705F646C6F: return (18, "old_pi")
            case 0x6C656E72656B: return (29, "kernel")
            case 0x6E6F73616572: return (55, "reason")
            case 0x70665F706163: return (9, "cap_fp")
            case 0x70705F646C6F: return (17, "old_pp")
            case 0x7373616C6374: return (48, "tclass")
            case 0x74616D726F66: return (28, "format")
            case 0x796C696D6166: return (33, "family")
            default: return nil
            }
        case 7:
            switch packed {
            case 0x6469746F6F7266: return (25, "frootid")
            case 0x73656972746E65: return (35, "entries")
            case 0x736D7265706573: return (45, "seperms")
            default: return nil
            }
        case 8:
            switch packed {
            case 0x656D616E74736F68: return (37, "hostname")
            case 0x65707974656D616E: return (8, "nametype")
            case 0x6C616E696D726574: return (39, "terminal")
            case 0x726576665F706163: return (12, "cap_fver")
            case 0x73726F746E617267: return (40, "grantors")
            case 0x746C757365726573: return (44, "seresult")
            case 0x747865746E6F6373: return (46, "scontext")
            case 0x747865746E6F6374: return (47, "tcontext")
            default: return nil
            }
        default: return nil
        }
    }
}

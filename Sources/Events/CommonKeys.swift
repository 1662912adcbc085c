/// Generic record keys every busy host logs (PATH, BPRM_FCAPS, CONFIG_CHANGE, user-space and AVC records, …), named
/// by static strings: the collector hands out these spellings instead of decoding a new String for such a key in
/// every record. Recognised like ``KnownKey``: by length, then by the key's bytes read as one integer.
enum CommonKeys {
    /// Every spelling (the tests hold each to its recognition).
    static let spellings: [String] = [
        "item", "name", "inode", "dev", "mode", "ouid", "ogid", "rdev", "nametype", "cap_fp", "cap_fi", "cap_fe",
        "cap_fver", "fver", "fp", "fi", "fe", "old_pp", "old_pi", "old_pe", "old_pa", "pp", "pi", "pe", "pa",
        "frootid", "op", "ver", "format", "kernel", "old", "list", "new", "family", "table", "entries", "acct",
        "hostname", "addr", "terminal", "grantors", "unit", "id", "cmd", "seresult", "seperms", "scontext",
        "tcontext", "tclass", "fd", "fd0", "fd1", "sig", "nargs", "argc", "reason", "saddr", "cap_frootid",
    ]

    /// The static spelling of `key`, or nil when it is not a common key (then the caller decodes its bytes).
    static func spelling(of key: UnsafeBufferPointer<UInt8>) -> String? {
        if key.count == 11 { return key.equals("cap_frootid") ? "cap_frootid" : nil }
        guard key.count >= 2, key.count <= 8 else { return nil }
        var packed: UInt64 = 0
        for index in (0..<key.count).reversed() { packed = packed << 8 | UInt64(key[index]) }
        switch key.count {
        case 2:
            switch packed {
            case 0x6170: return "pa"
            case 0x6466: return "fd"
            case 0x6469: return "id"
            case 0x6566: return "fe"
            case 0x6570: return "pe"
            case 0x6966: return "fi"
            case 0x6970: return "pi"
            case 0x7066: return "fp"
            case 0x706F: return "op"
            case 0x7070: return "pp"
            default: return nil
            }
        case 3:
            switch packed {
            case 0x306466: return "fd0"
            case 0x316466: return "fd1"
            case 0x646C6F: return "old"
            case 0x646D63: return "cmd"
            case 0x676973: return "sig"
            case 0x726576: return "ver"
            case 0x766564: return "dev"
            case 0x77656E: return "new"
            default: return nil
            }
        case 4:
            switch packed {
            case 0x63677261: return "argc"
            case 0x6469676F: return "ogid"
            case 0x6469756F: return "ouid"
            case 0x65646F6D: return "mode"
            case 0x656D616E: return "name"
            case 0x6D657469: return "item"
            case 0x72646461: return "addr"
            case 0x72657666: return "fver"
            case 0x74636361: return "acct"
            case 0x74696E75: return "unit"
            case 0x7473696C: return "list"
            case 0x76656472: return "rdev"
            default: return nil
            }
        case 5:
            switch packed {
            case 0x65646F6E69: return "inode"
            case 0x656C626174: return "table"
            case 0x7264646173: return "saddr"
            case 0x736772616E: return "nargs"
            default: return nil
            }
        case 6:
            switch packed {
            case 0x61705F646C6F: return "old_pa"
            case 0x65665F706163: return "cap_fe"
            case 0x65705F646C6F: return "old_pe"
            case 0x69665F706163: return "cap_fi"
            case 0x69705F646C6F: return "old_pi"
            case 0x6C656E72656B: return "kernel"
            case 0x6E6F73616572: return "reason"
            case 0x70665F706163: return "cap_fp"
            case 0x70705F646C6F: return "old_pp"
            case 0x7373616C6374: return "tclass"
            case 0x74616D726F66: return "format"
            case 0x796C696D6166: return "family"
            default: return nil
            }
        case 7:
            switch packed {
            case 0x6469746F6F7266: return "frootid"
            case 0x73656972746E65: return "entries"
            case 0x736D7265706573: return "seperms"
            default: return nil
            }
        case 8:
            switch packed {
            case 0x656D616E74736F68: return "hostname"
            case 0x65707974656D616E: return "nametype"
            case 0x6C616E696D726574: return "terminal"
            case 0x726576665F706163: return "cap_fver"
            case 0x73726F746E617267: return "grantors"
            case 0x746C757365726573: return "seresult"
            case 0x747865746E6F6373: return "scontext"
            case 0x747865746E6F6374: return "tcontext"
            default: return nil
            }
        default: return nil
        }
    }
}

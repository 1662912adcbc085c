/// Errno names indexed by number.
enum ErrnoTable {
    static let names: [String?] = [nil]
}

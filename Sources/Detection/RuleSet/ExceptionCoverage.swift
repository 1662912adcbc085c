import Rules

/// Exception items that can never match an audit event, for `auspex check`: an item is the AND of its entries, so
/// one entry that needs a value of a field no audit source produces (an included `match`, `match_any`, `wildcard`,
/// `exists` or value-list entry on such a field) keeps the whole item from ever applying. Excluded entries on such a
/// field always hold (a missing field is not the value), and `nested` entries are not judged.
public enum ExceptionCoverage {
    /// One warning per item that can never match, naming the field.
    public static func neverMatching(_ lists: ExceptionLists) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        for list in lists.lists.values.sorted(by: { $0.listID < $1.listID }) {
            for item in list.items {
                guard let field = item.entries.lazy.compactMap(unproducedRequiredField).first else { continue }
                diagnostics.append(.warning(item.file, item.location,
                    "exception item '\(item.itemID)' of list '\(list.listID)' can never match: it needs '\(field)', "
                        + "which the audit source never produces"))
            }
        }
        return diagnostics
    }

    /// The field an entry needs a value of when no source produces it; nil when the entry may hold.
    static func unproducedRequiredField(_ entry: ExceptionEntry) -> String? {
        switch entry {
        case .match(let field, _, false), .matchAny(let field, _, false), .wildcard(let field, _, false),
             .exists(let field, false), .valueList(let field, _, false):
            return ECSCatalog.canProduce(field) ? nil : field
        default:
            return nil
        }
    }
}

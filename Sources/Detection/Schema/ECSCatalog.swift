import Events
import Processes

/// The ECS fields audit data can put in a document: what the normalizer (``Normalizer/producedFields``, auditd_manager
/// shape) and the process table (``ProcessEnricher/producedFields``) write, each declared beside its producer. A rule
/// that tests a field outside this catalog can never see a value from audit data; `auspex check` warns about it.
///
/// Fields under `openPrefixes` are named after keys found in the records themselves (`auditd.data.<key>` for any
/// key of the SYSCALL or user-space record); any name under them is accepted.
public enum ECSCatalog {
    /// Exact field names: the normalizer's, then the process table's.
    static let fields: [String] = Normalizer.producedFields + ProcessEnricher.producedFields

    /// Prefixes whose field names come from the audit records (`auditd.data.a1`, `auditd.data.socket.port`, …).
    static let openPrefixes: [String] = Normalizer.producedFieldPrefixes

    /// True when a document from the normalizer can carry `field`.
    public static func canProduce(_ field: String) -> Bool {
        fieldSet.contains(field) || openPrefixes.contains { field.hasPrefix($0) && field.count > $0.count }
    }

    private static let fieldSet = Set(fields)
}

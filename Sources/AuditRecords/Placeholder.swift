// Placeholder for the AuditRecords module; replaced by its implementation.
enum AuditRecordsPlaceholder {}

// Placeholder for the AuditNetlink module; replaced by its implementation.
enum AuditNetlinkPlaceholder {}

import Alerting
import EQL
import EventModel

/// A position in a rule or configuration file, 1-based: the same type as a position in an EQL query.
public typealias SourceLocation = SourcePosition

/// One finding about a rule or configuration file, printed as `file:line:col: severity: message`
/// so editors and CI logs can jump to it.
public struct Diagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        case error
        case warning
    }

    var file: String
    var location: SourceLocation
    public var severity: Severity
    var message: String

    /// `message` and `file` often quote rule or configuration text: their control, bidi and zero-width
    /// characters are escaped here (`UntrustedText`), so a value with `\n` or ESC cannot forge a log line.
    init(file: String, location: SourceLocation, severity: Severity, message: String) {
        self.file = UntrustedText.escaped(file)
        self.location = location
        self.severity = severity
        self.message = UntrustedText.escaped(message)
    }

    public static func error(_ file: String, _ location: SourceLocation, _ message: String) -> Diagnostic {
        Diagnostic(file: file, location: location, severity: .error, message: message)
    }

    public static func warning(_ file: String, _ location: SourceLocation, _ message: String) -> Diagnostic {
        Diagnostic(file: file, location: location, severity: .warning, message: message)
    }

    public var description: String { "\(file):\(location.line):\(location.column): \(severity.rawValue): \(message)" }
}

extension Array where Element == Diagnostic {
    /// True when at least one diagnostic is an error (warnings alone do not fail a load).
    public var containsErrors: Bool { contains { $0.severity == .error } }
}

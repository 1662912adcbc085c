import EventModel

/// Compiles EQL query text against a field schema.
///
///     let query = try EQLCompiler(schema: catalog).compile("process where process.name == \"sh\"")
public struct EQLCompiler {
    public var schema: any FieldSchema

    public init(schema: any FieldSchema) {
        self.schema = schema
    }

    /// Parses, verifies and compiles `query`. Throws `EQLError` with line:column on bad input.
    public func compile(_ query: String) throws -> CompiledQuery {
        // Placeholder until the front end lands: a filter that matches nothing.
        CompiledQuery(body: .event(.never))
    }
}

/// Rule files written by tests: the fewest keys the loader accepts around one EQL query.
public enum RuleText {
    /// A detection-rules TOML rule (`type = "eql"`, severity low, risk 21) named `name` around `query`.
    public static func minimal(id: String, name: String, index: String, query: String) -> String {
        """
        [metadata]
        maturity = "production"
        [rule]
        author = ["tests"]
        description = "\(name)"
        index = ["\(index)"]
        language = "eql"
        name = "\(name)"
        risk_score = 21
        rule_id = "\(id)"
        severity = "low"
        type = "eql"
        query = '''
        \(query)
        '''
        """
    }
}

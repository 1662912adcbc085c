import EventModel

// Function semantics (spec §4.3). All functions return null when a required argument is null.
// Index-based functions count UTF-16 code units, like Java.

extension EQLFunction {
    /// Evaluates on scalar arguments. `cidrs` are the precompiled networks of a constant `cidrMatch`.
    func evaluate(_ args: UnsafeMutableBufferPointer<FieldValue>, insensitive: Bool, cidrs: [CIDRBlock]?) -> FieldValue {
        switch self {
        case .add: return ValueSemantics.arithmetic(.add, args[0], args[1])
        case .subtract: return ValueSemantics.arithmetic(.subtract, args[0], args[1])
        case .multiply: return ValueSemantics.arithmetic(.multiply, args[0], args[1])
        case .divide: return ValueSemantics.arithmetic(.divide, args[0], args[1])
        case .modulo: return ValueSemantics.arithmetic(.modulo, args[0], args[1])
        case .concat:
            var result = ""
            for arg in args {
                guard let text = ValueSemantics.text(arg) else { return .null }
                result += text
            }
            return .string(result)
        case .string:
            return ValueSemantics.text(args[0]).map(FieldValue.string) ?? .null
        case .length:
            guard case .string(let s) = args[0] else { return .null }
            return .int(Int64(s.utf16.count))
        case .number:
            return number(args[0], base: args.count > 1 ? args[1] : .null)
        case .cidrMatch:
            guard case .string(let ip) = args[0], let address = IPAddress(ip) else { return .null }
            if let cidrs { return .bool(cidrs.contains { $0.contains(address) }) }
            for arg in args.dropFirst() {
                if case .string(let text) = arg, let block = CIDRBlock(text), block.contains(address) { return .bool(true) }
            }
            return .bool(false)
        case .substring:
            guard case .string(let source) = args[0] else { return .null }
            func bound(_ v: FieldValue) -> Int64?? {
                switch v {
                case .null: return .some(nil)
                case .int(let i): return .some(i)
                default: return nil
                }
            }
            guard let start = bound(args[1]), let end = args.count > 2 ? bound(args[2]) : .some(nil) else { return .null }
            return .string(Self.substring(source, start: start, end: end))
        default:
            break
        }
        // String functions: source and needle must be strings.
        guard case .string(let source) = args[0], case .string(let needle) = args[1] else { return .null }
        let s = insensitive ? source.lowercased() : source
        let n = insensitive ? needle.lowercased() : needle
        switch self {
        case .startsWith: return .bool(s.utf8.starts(with: n.utf8))
        case .endsWith: return .bool(s.utf8.reversed().starts(with: n.utf8.reversed()))
        case .stringContains:
            return .bool(!s.isEmpty && !n.isEmpty && Self.indexOf(Array(s.utf16), Array(n.utf16), from: 0) != nil)
        case .indexOf:
            var start = 0
            if args.count > 2 {
                switch args[2] {
                case .null: break
                case .int(let i): start = Int(clamping: max(i, 0))
                default: return .null
                }
            }
            let hay = Array(s.utf16)
            guard start <= hay.count, let at = Self.indexOf(hay, Array(n.utf16), from: start) else { return .null }
            return .int(Int64(at))
        case .between:
            guard case .string(let right) = args[2] else { return .null }
            var greedy = false
            if args.count > 3 {
                guard case .bool(let g) = args[3] else { return .null }
                greedy = g
            }
            return .string(Self.between(source, needle, right, greedy: greedy, insensitive: insensitive))
        default:
            return .null
        }
    }

    /// `substring(s, start[, end])` with Python slice semantics.
    static func substring(_ s: String, start: Int64?, end: Int64?) -> String {
        let units = Array(s.utf16)
        let n = Int64(units.count)
        func clamp(_ v: Int64?, _ fallback: Int64) -> Int {
            guard var v else { return Int(fallback) }
            if v < 0 { v += n }
            return Int(min(max(v, 0), n))
        }
        let lo = clamp(start, 0), hi = clamp(end, n)
        guard lo < hi else { return "" }
        return String(decoding: units[lo..<hi], as: UTF16.self)
    }

    static func indexOf(_ hay: [UInt16], _ needle: [UInt16], from start: Int) -> Int? {
        if needle.isEmpty { return start <= hay.count ? start : nil }
        guard hay.count >= needle.count else { return nil }
        var i = start
        while i + needle.count <= hay.count {
            if hay[i] == needle[0], hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    static func lastIndexOf(_ hay: [UInt16], _ needle: [UInt16]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        var i = hay.count - needle.count
        while i >= 0 {
            if hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i -= 1
        }
        return nil
    }

    /// ES `StringUtils.between`: text after `left` up to the first (or last, if greedy) `right`; "" when absent.
    static func between(_ source: String, _ left: String, _ right: String, greedy: Bool, insensitive: Bool) -> String {
        let original = Array(source.utf16)
        let hay = insensitive ? Array(source.lowercased().utf16) : original
        let l = Array((insensitive ? left.lowercased() : left).utf16)
        let r = Array((insensitive ? right.lowercased() : right).utf16)
        // Lowercasing can change lengths for exotic text; fall back to the original indices only when it did not.
        let base = hay.count == original.count ? original : hay
        guard let leftAt = indexOf(hay, l, from: 0) else { return "" }
        let start = leftAt + l.count
        let end: Int?
        if greedy {
            end = lastIndexOf(hay, r)
        } else {
            end = indexOf(hay, r, from: start)
        }
        guard let end, end >= start else { return "" }
        return String(decoding: base[start..<end], as: UTF16.self)
    }

    /// `number(s[, base])`: long, else double; `0x` means hex; surrounding whitespace ignored.
    private func number(_ value: FieldValue, base: FieldValue) -> FieldValue {
        guard case .string(let raw) = value else { return .null }
        var text = raw.trimmingWhitespace
        var radix = 10
        switch base {
        case .null: break
        case .int(let b) where (2...36).contains(b): radix = Int(b)
        default: return .null
        }
        var sign = ""
        if let first = text.first, first == "-" || first == "+" {
            sign = first == "-" ? "-" : ""
            text.removeFirst()
        }
        if (radix == 16 || base.isNull), text.hasPrefix("0x") || text.hasPrefix("0X") {
            text.removeFirst(2)
            return Int64(sign + text, radix: 16).map(FieldValue.int) ?? .null
        }
        if let i = Int64(sign + text, radix: radix) { return .int(i) }
        if radix == 10, let d = Double(sign + text), d.isFinite, text.first?.isNumber ?? false || text.first == "." {
            return .double(d)
        }
        return .null
    }
}

extension String {
    var trimmingWhitespace: String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}

import PackageTestSupport
@testable import EQL
import XCTest

/// Random Lucene patterns, rendered from a small syntax tree, matched by `RegexMatcher` (full DFA,
/// partial DFA handing over to the NFA, NFA simulation alone) and by a brute-force reference that
/// walks the tree over the input's scalars.
final class RegexDifferentialTests: XCTestCase {
    private indirect enum Pattern {
        case literal(Unicode.Scalar)
        case any
        case bracket([ClosedRange<Unicode.Scalar>], negated: Bool)
        case quoted([Unicode.Scalar])
        case sequence([Pattern])
        case choice([Pattern])
        case repeated(Pattern, min: Int, max: Int?)
        case anyString
        case nothing
        case interval(Int, Int, fixedWidth: Bool)
    }

    /// Input alphabet: letters in both cases (ASCII and not), digits, operators that need escaping.
    private static let alphabet: [Unicode.Scalar] = ["a", "b", "A", "B", "é", "É", "0", "7", "-", ".", " ", "*", "\""]

    // MARK: - Rendering

    private func render(_ p: Pattern) -> String {
        switch p {
        case .literal(let c): return escaped(c)
        case .any: return "."
        case .bracket(let ranges, let negated):
            let items = ranges.map { r in r.lowerBound == r.upperBound ? escaped(r.lowerBound) : escaped(r.lowerBound) + "-" + escaped(r.upperBound) }
            return "[" + (negated ? "^" : "") + items.joined() + "]"
        case .quoted(let text): return "\"" + String(String.UnicodeScalarView(text)) + "\""
        case .sequence(let parts): return parts.map { "(" + render($0) + ")" }.joined()
        case .choice(let branches): return "(" + branches.map(render).joined(separator: "|") + ")"
        case .repeated(let inner, let min, let max):
            let suffix: String
            switch (min, max) {
            case (0, 1): suffix = "?"
            case (0, nil): suffix = "*"
            case (1, nil): suffix = "+"
            case (_, nil): suffix = "{\(min),}"
            case (_, let m?) where m == min: suffix = "{\(min)}"
            case (_, let m?): suffix = "{\(min),\(m)}"
            }
            return "(" + render(inner) + ")" + suffix
        case .anyString: return "@"
        case .nothing: return "#"
        case .interval(let low, let high, let fixed):
            // low < 10 ≤ high < 100: "<07-42>" is fixed-width (two digits), "<7-42>" is not.
            return fixed ? "<0\(low)-\(high)>" : "<\(low)-\(high)>"
        }
    }

    private func escaped(_ c: Unicode.Scalar) -> String {
        c.properties.isAlphabetic || ("0"..."9").contains(c) ? String(c) : "\\" + String(c)
    }

    // MARK: - Reference semantics

    private func lower(_ c: Unicode.Scalar) -> Unicode.Scalar {
        String(c).lowercased().unicodeScalars.first!
    }

    private func inBracket(_ c: Unicode.Scalar, _ ranges: [ClosedRange<Unicode.Scalar>], _ insensitive: Bool) -> Bool {
        ranges.contains { r in
            if r.contains(c) { return true }
            guard insensitive else { return false }
            return (r.lowerBound.value...r.upperBound.value).contains { Unicode.Scalar($0).map(lower) == lower(c) }
        }
    }

    /// End offsets reachable by matching `p` at `start`.
    private func ends(_ p: Pattern, _ text: [Unicode.Scalar], _ start: Int, _ insensitive: Bool) -> Set<Int> {
        func same(_ a: Unicode.Scalar, _ b: Unicode.Scalar) -> Bool { insensitive ? lower(a) == lower(b) : a == b }
        switch p {
        case .literal(let c):
            return start < text.count && same(text[start], c) ? [start + 1] : []
        case .any:
            return start < text.count ? [start + 1] : []
        case .bracket(let ranges, let negated):
            return start < text.count && inBracket(text[start], ranges, insensitive) != negated ? [start + 1] : []
        case .quoted(let literal):
            guard start + literal.count <= text.count,
                zip(text[start...], literal).allSatisfy(same) else { return [] }
            return [start + literal.count]
        case .sequence(let parts):
            return parts.reduce([start]) { positions, part in
                Set(positions.flatMap { ends(part, text, $0, insensitive) })
            }
        case .choice(let branches):
            return Set(branches.flatMap { ends($0, text, start, insensitive) })
        case .repeated(let inner, let min, let max):
            var result: Set<Int> = min == 0 ? [start] : []
            var frontier: Set<Int> = [start]
            var count = 0
            while !frontier.isEmpty, count < (max ?? Int.max) {
                count += 1
                let next = Set(frontier.flatMap { ends(inner, text, $0, insensitive) })
                // Past `min`, positions already seen add nothing new (the loop would not terminate on ε).
                frontier = count >= min ? next.subtracting(result) : next
                if count >= min { result.formUnion(next) }
                if count > text.count + min + 1 { break }
            }
            return result
        case .anyString:
            return Set(start...text.count)
        case .nothing:
            return []
        case .interval(let low, let high, let fixed):
            var result: Set<Int> = []
            var end = start
            while end < text.count, ("0"..."9").contains(text[end]) {
                end += 1
                let digits = String(String.UnicodeScalarView(text[start..<end]))
                if let value = Int(digits), (low...high).contains(value), !fixed || digits.count == 2 {
                    result.insert(end)
                }
            }
            return result
        }
    }

    private func referenceMatches(_ p: Pattern, _ text: String, insensitive: Bool) -> Bool {
        let scalars = Array(text.unicodeScalars)
        return ends(p, scalars, 0, insensitive).contains(scalars.count)
    }

    // MARK: - Generation

    private func generate(_ rng: inout SplitMix64, depth: Int) -> Pattern {
        let letter = { (rng: inout SplitMix64) in Self.alphabet[rng.below(Self.alphabet.count)] }
        if depth == 0 || rng.below(3) == 0 {
            switch rng.below(12) {
            case 0: return .any
            case 1:
                let ranges: [ClosedRange<Unicode.Scalar>] = (0...rng.below(2)).map { _ in
                    [("a"..."b"), ("A"..."B"), ("é"..."é"), ("À"..."Ö"), ("0"..."9"), ("-"..."."), (" "..." ")][rng.below(7)]
                }
                return .bracket(ranges, negated: rng.below(3) == 0)
            case 2: return .quoted((0..<rng.below(3)).map { _ in letter(&rng) }.filter { $0 != "\"" })
            case 3: return rng.below(4) == 0 ? .nothing : .anyString
            case 4: return .interval(rng.below(10), 10 + rng.below(90), fixedWidth: rng.below(2) == 0)
            default: return .literal(letter(&rng))
            }
        }
        switch rng.below(4) {
        case 0, 1: return .sequence((0...rng.below(3)).map { _ in generate(&rng, depth: depth - 1) })
        case 2: return .choice((0...rng.below(2) + 1).map { _ in generate(&rng, depth: depth - 1) })
        default:
            let min = rng.below(3)
            let max: Int? = [nil, min, min + 1, min + 2][rng.below(4)]
            return .repeated(generate(&rng, depth: depth - 1), min: min, max: max)
        }
    }

    /// A value in the language (when cheap to find), so that matches are not all rare accidents.
    private func sample(_ p: Pattern, _ rng: inout SplitMix64) -> [Unicode.Scalar] {
        switch p {
        case .literal(let c): return [rng.below(2) == 0 ? c : Unicode.Scalar(String(c).uppercased())!]
        case .any, .anyString, .nothing: return rng.below(2) == 0 ? [] : [Self.alphabet[rng.below(Self.alphabet.count)]]
        case .bracket(let ranges, _): return [ranges[0].lowerBound]
        case .quoted(let text): return text
        case .sequence(let parts): return parts.flatMap { sample($0, &rng) }
        case .choice(let branches): return sample(branches[rng.below(branches.count)], &rng)
        case .repeated(let inner, let min, let max):
            return (0..<(min + rng.below((max ?? min + 2) - min + 1))).flatMap { _ in sample(inner, &rng) }
        case .interval(let low, let high, _): return Array(String(low + rng.below(high - low + 1)).unicodeScalars)
        }
    }

    func testMatcherAgreesWithBruteForceReference() throws {
        var rng = SplitMix64(seed: 0x5EED_2026)
        var compared = 0, matched = 0
        for round in 0..<1_000 {
            let pattern = generate(&rng, depth: 3)
            let source = render(pattern)
            let insensitive = round % 3 == 0
            let m = try RegexMatcher(lucene: source, caseInsensitive: insensitive)
            // A DFA cut short after 1–4 states hands over to NFA simulation mid-value.
            let partial = try RegexMatcher(lucene: source, caseInsensitive: insensitive, dfaStates: 1 + round % 4)
            var inputs: [String] = [""]
            for _ in 0..<6 {
                var text = sample(pattern, &rng)
                if rng.below(3) == 0, !text.isEmpty { text[rng.below(text.count)] = Self.alphabet[rng.below(Self.alphabet.count)] }
                inputs.append(String(String.UnicodeScalarView(text)))
                inputs.append(String(String.UnicodeScalarView((0..<rng.below(5)).map { _ in Self.alphabet[rng.below(Self.alphabet.count)] })))
            }
            for text in inputs {
                let expected = referenceMatches(pattern, text, insensitive: insensitive)
                XCTAssertEqual(m.matches(text), expected, "\(source)\(insensitive ? " (ci)" : "") on \(text.debugDescription)")
                XCTAssertEqual(m.simulate(text).matched, expected, "NFA: \(source) on \(text.debugDescription)")
                XCTAssertEqual(partial.matches(text), expected, "partial DFA: \(source) on \(text.debugDescription)")
                compared += 1
                if expected { matched += 1 }
            }
        }
        XCTAssertGreaterThan(matched, compared / 10, "the generator should produce plenty of matches")
    }
}


@testable import Rules
import XCTest

/// The TOML 1.0 reader on valid documents: every construct gives the value the specification defines.
final class TOMLReaderTests: XCTestCase {
    private func parse(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> TOMLTable {
        do {
            return try TOMLParser.parse(text).root
        } catch {
            XCTFail("\(text.debugDescription): \(error)", file: file, line: line)
            throw error
        }
    }

    private func table(_ pairs: [(String, TOMLValue)]) -> TOMLValue {
        var table = TOMLTable()
        for (key, value) in pairs { table.append(key, value) }
        return .table(table)
    }

    func testIntegers() throws {
        let root = try parse("""
            a = 1
            b = +99
            c = -17
            d = 1_000_000
            e = 0
            f = -0
            g = 9223372036854775807
            h = -9223372036854775808
            i = 0xDEAD_beef
            j = 0o755
            k = 0b1101_0110
            l = 0x7FFFFFFFFFFFFFFF
            """)
        let expected = [1, 99, -17, 1_000_000, 0, 0, Int.max, Int.min, 0xDEADBEEF, 0o755, 0b11010110, Int.max]
        XCTAssertEqual(root.keys.map { root[$0]?.int }, expected)
    }

    func testFloats() throws {
        let root = try parse("""
            a = 1.0
            b = 3.1415
            c = -0.01
            d = 5e+22
            e = 1e06
            f = -2E-2
            g = 6.626e-34
            h = 224_617.445_991_228
            i = inf
            j = +inf
            k = -inf
            l = nan
            m = -0.0
            """)
        let values = root.keys.map { root[$0]?.double }
        XCTAssertEqual(Array(values.prefix(8)), [1.0, 3.1415, -0.01, 5e22, 1e6, -0.02, 6.626e-34, 224_617.445_991_228])
        XCTAssertEqual(Array(values[8...10]), [.infinity, .infinity, -.infinity])
        XCTAssertTrue(root["l"]?.double?.isNaN ?? false)
        XCTAssertEqual(root["m"]?.double?.sign, .minus)
    }

    func testBooleansAndDateTimes() throws {
        let root = try parse("""
            t = true
            f = false
            odt1 = 1979-05-27T07:32:00Z
            odt2 = 1979-05-27T00:32:00.999999-07:00
            odt3 = 1979-05-27 07:32:00z
            ldt = 1979-05-27t07:32:00
            ld = 2000-02-29
            lt = 00:32:00.5
            """)
        XCTAssertEqual(root["t"], .boolean(true))
        XCTAssertEqual(root["f"], .boolean(false))
        XCTAssertEqual(root["odt1"], .dateTime(.init(kind: .offsetDateTime, text: "1979-05-27T07:32:00Z")))
        XCTAssertEqual(root["odt2"], .dateTime(.init(kind: .offsetDateTime, text: "1979-05-27T00:32:00.999999-07:00")))
        XCTAssertEqual(root["odt3"], .dateTime(.init(kind: .offsetDateTime, text: "1979-05-27 07:32:00z")))
        XCTAssertEqual(root["ldt"], .dateTime(.init(kind: .localDateTime, text: "1979-05-27t07:32:00")))
        XCTAssertEqual(root["ld"], .dateTime(.init(kind: .localDate, text: "2000-02-29")))
        XCTAssertEqual(root["lt"], .dateTime(.init(kind: .localTime, text: "00:32:00.5")))
        XCTAssertEqual(root["ld"]?.typeWithArticle, "a date")
    }

    func testStrings() throws {
        let root = try parse(#"""
            basic = "tab\there \"q\" \\ \b\f\r\n \u00E9 \U0001F600"
            literal = 'C:\Users\"x"'
            multi = """
            Roses are red
              Violets are blue"""
            folded = """\
                   The quick \
                   brown fox.\
                   """
            quotes = """Here are two quotation marks: "". Three: ""\"."""
            ending = """a""""
            mliteral = '''
            The first newline is
            trimmed in raw strings.
               All other whitespace
               is preserved. \n
            '''
            mlquotes = ''''That,' she said.''''
            unicode = "é 😀"
            empty = ""
            """#)
        XCTAssertEqual(root["basic"]?.string, "tab\there \"q\" \\ \u{08}\u{0C}\r\n \u{E9} \u{1F600}")
        XCTAssertEqual(root["literal"]?.string, #"C:\Users\"x""#)
        XCTAssertEqual(root["multi"]?.string, "Roses are red\n  Violets are blue")
        XCTAssertEqual(root["folded"]?.string, "The quick brown fox.")
        XCTAssertEqual(root["quotes"]?.string, #"Here are two quotation marks: "". Three: """."#)
        XCTAssertEqual(root["ending"]?.string, #"a""#)
        XCTAssertEqual(root["mliteral"]?.string,
                       "The first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved. \\n\n")
        XCTAssertEqual(root["mlquotes"]?.string, "'That,' she said.'")
        XCTAssertEqual(root["unicode"]?.string, "é 😀")
        XCTAssertEqual(root["empty"]?.string, "")
        XCTAssertEqual(try parse("a = \"\"\"\r\nx\r\ny\"\"\"\r\n")["a"]?.string, "x\ny", "CR LF reads as LF")
    }

    func testKeys() throws {
        let root = try parse("""
            bare_key-1 = 1
            1234 = 2
            "127.0.0.1" = 3
            "ʎǝʞ" = 4
            'quoted "value"' = 5
            "" = 6
            physical.color = "orange"
            physical . shape = "round"
            site."google.com" = true
            """)
        XCTAssertEqual(root.keys, ["bare_key-1", "1234", "127.0.0.1", "ʎǝʞ", "quoted \"value\"", "", "physical", "site"])
        XCTAssertEqual(root["physical"], table([("color", .string("orange")), ("shape", .string("round"))]))
        XCTAssertEqual(root["site"]?["google.com"], .boolean(true))
    }

    func testTablesAndDottedKeysDefineTheExpectedTree() throws {
        let root = try parse("""
            # top comment
            top = 0 # trailing comment
            [a.b.c]
            z = 9
            [a]  # defines the implicit table once
            x = 1
            [ a . "b" . d ]
            [fruit]
            apple.color = "red"
            apple.taste.sweet = true
            [fruit.apple.texture]
            smooth = true
            """)
        XCTAssertEqual(root.keys, ["top", "a", "fruit"])
        XCTAssertEqual(root["a"]?["b"]?["c"]?["z"], .integer(9))
        XCTAssertEqual(root["a"]?["x"], .integer(1))
        XCTAssertEqual(root["a"]?["b"]?["d"], table([]))
        XCTAssertEqual(root["fruit"]?["apple"], table([
            ("color", .string("red")), ("taste", table([("sweet", .boolean(true))])),
            ("texture", table([("smooth", .boolean(true))])),
        ]))
    }

    func testArraysAndInlineTables() throws {
        let root = try parse("""
            integers = [ 1, 2, 3 ]
            nested = [ [ 1, 2 ], ["a", 'b'] ]
            mixed = [ 0.1, "x", { a = 1 }, [] ]
            multi = [
              1, # one
              2,
              # a comment line
            ]
            empty = []
            point = { x = 1, y.z = 2 }
            none = {}
            """)
        XCTAssertEqual(root["integers"], .array([.integer(1), .integer(2), .integer(3)]))
        XCTAssertEqual(root["nested"], .array([.array([.integer(1), .integer(2)]), .array([.string("a"), .string("b")])]))
        XCTAssertEqual(root["mixed"], .array([.float(0.1), .string("x"), table([("a", .integer(1))]), .array([])]))
        XCTAssertEqual(root["multi"], .array([.integer(1), .integer(2)]))
        XCTAssertEqual(root["empty"], .array([]))
        XCTAssertEqual(root["point"], table([("x", .integer(1)), ("y", table([("z", .integer(2))]))]))
        XCTAssertEqual(root["none"], table([]))
    }

    func testArraysOfTables() throws {
        let root = try parse("""
            [[fruits]]
            name = "apple"
            [fruits.physical]
            color = "red"
            [[fruits.varieties]]
            name = "red delicious"
            [[fruits.varieties]]
            name = "granny smith"
            [[fruits]]
            name = "banana"
            [[fruits.varieties]]
            name = "plantain"
            """)
        let fruits = try XCTUnwrap(root["fruits"]?.array)
        XCTAssertEqual(fruits.count, 2)
        XCTAssertEqual(fruits[0]["physical"]?["color"], .string("red"))
        XCTAssertEqual(fruits[0]["varieties"]?.array?.compactMap { $0["name"]?.string }, ["red delicious", "granny smith"])
        XCTAssertEqual(fruits[1]["varieties"]?.array?.compactMap { $0["name"]?.string }, ["plantain"])
    }

    func testLocatorRecordsKeysTablesAndStringContent() throws {
        let (_, locator) = try TOMLParser.parse("""
            \u{FEFF}a = 1
            [[t.u]]
              q = '''
            text'''
            [[t.u]]
            r = { s = "x" }
            list = [{ k = 1 }, { k = "é" }]
            """)
        XCTAssertEqual(locator.location(of: "a"), SourceLocation(line: 1, column: 1), "a byte-order mark takes no column")
        XCTAssertEqual(locator.location(of: "t.u[0]"), SourceLocation(line: 2, column: 1))
        XCTAssertEqual(locator.location(of: "t.u[0].q"), SourceLocation(line: 3, column: 3))
        XCTAssertEqual(locator.stringContentStart(of: "t.u[0].q"), SourceLocation(line: 4, column: 1))
        XCTAssertTrue(locator.keys["t.u[0].q"]?.isLiteralString ?? false)
        XCTAssertEqual(locator.location(of: "t.u[1]"), SourceLocation(line: 5, column: 1))
        XCTAssertEqual(locator.location(of: "t.u[1].r.s"), SourceLocation(line: 6, column: 7))
        XCTAssertEqual(locator.stringContentStart(of: "t.u[1].r.s"), SourceLocation(line: 6, column: 12))
        XCTAssertEqual(locator.location(of: "t.u[1].list[1].k"), SourceLocation(line: 7, column: 22))
        XCTAssertEqual(locator.location(of: "t.u[1].missing"), SourceLocation(line: 5, column: 1), "nearest enclosing table")
    }

    /// Large documents: many keys on one line (columns are not recounted from the line start per key), many lines,
    /// many array-of-tables elements (appended in place). Quadratic work would make this test take minutes.
    func testLargeInputsParseInLinearTime() throws {
        let count = 60_000
        let oneLine = "t = {" + (0..<count).map { "k\($0) = \($0)" }.joined(separator: ", ") + "}\n"
        XCTAssertEqual(try parse(oneLine)["t"]?.table?.count, count)
        let manyLines = (0..<count).map { "k\($0) = \"v\"" }.joined(separator: "\n")
        XCTAssertEqual(try parse(manyLines).count, count)
        let headers = (0..<count / 4).map { "[[a.b]]\nx = \($0)" }.joined(separator: "\n")
        XCTAssertEqual(try parse(headers)["a"]?["b"]?.array?.count, count / 4)
        // A long table path (120 parts of 2,000 characters) above many keys and many nested arrays and inline tables:
        // paths past `TOMLLocator.maximumPathBytes` are not built for each of them.
        let longPath = Array(repeating: String(repeating: "p", count: 2_000), count: 120).joined(separator: ".")
        let underLongPath = "[\(longPath)]\n" + (0..<count).map { "k\($0) = 1" }.joined(separator: "\n")
            + "\nnested = [" + String(repeating: "[], {}, ", count: count) + "]\n"
        let (root, locator) = try TOMLParser.parse(underLongPath)
        var table: TOMLValue? = .table(root)
        for _ in 0..<120 { table = table?[String(repeating: "p", count: 2_000)] }
        XCTAssertEqual(table?.table?.count, count + 1)
        XCTAssertEqual(locator.keys.count, 0)
    }
}

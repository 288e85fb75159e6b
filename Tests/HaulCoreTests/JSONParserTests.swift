import Foundation
import XCTest
@testable import HaulCore

final class JSONParserTests: XCTestCase {
    private func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(Data(text.utf8)) }

    func testParsesEveryValueType() throws {
        let v = try parse(#"{"a": [1, -2.5e3, true, false, null, "x\"y\u00e9\ud83d\ude00"], "b": {}}"#)
        XCTAssertEqual(v["a"], .array([.number(1), .number(-2500), .bool(true), .bool(false), .null, .string("x\"yé😀")]))
        XCTAssertEqual(v["b"], .object([]))
    }

    func testReportsLineAndColumn() {
        XCTAssertThrowsError(try parse("{\n  \"a\": 1,\n  \"b\": ]\n}")) { error in
            let e = error as! JSONSyntaxError
            XCTAssertEqual(e.line, 3)
            XCTAssertEqual(e.column, 8)
        }
    }

    func testRefusesNaNHugeNumbersDuplicateKeysAndTrailingContent() {
        for bad in [#"{"a": NaN}"#, #"{"a": 1e999}"#, #"{"a": 1, "a": 2}"#, #"{"a": 1} x"#, #"[1,]"#, #"{"a": 01}"#, "", #""\x""#] {
            XCTAssertThrowsError(try parse(bad), "should refuse: \(bad)")
        }
    }

    func testRefusesDeepNestingWithoutRecursingIntoIt() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        XCTAssertThrowsError(try parse(deep)) { error in
            XCTAssertTrue((error as! JSONSyntaxError).message.contains("nesting"))
        }
        let ok = String(repeating: "[", count: 60) + String(repeating: "]", count: 60)
        XCTAssertNoThrow(try parse(ok))
    }
}

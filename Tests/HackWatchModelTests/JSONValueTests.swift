import Foundation
import Testing
@testable import HackWatchModel

@Suite struct JSONValueTests {
    @Test(arguments: [
        (#"{"a":[1,2.5,-3e2,true,false,null,"x"]}"#, JSONValue.object(["a": .array([.number(1), .number(2.5), .number(-300), .bool(true), .bool(false), .null, .string("x")])])),
        (#" "esc\"\\\/\n\t\u00e9\ud83d\ude00" "#, .string("esc\"\\/\n\té😀")),
        ("[]", .array([])),
        ("{}", .object([:])),
        ("  42  ", .number(42)),
    ])
    func parses(text: String, expected: JSONValue) throws {
        #expect(try JSONValue.parse(text) == expected)
    }

    @Test(arguments: [
        ("", "unexpected end of document"),
        ("[1,", "unexpected end of document"),
        ("[1 2]", "unexpected '2' at byte 3"),
        ("{\"a\" 1}", "unexpected '1' at byte 5"),
        ("tru", "unexpected end of document"),
        ("trux", "unexpected 'x' at byte 3"),
        ("[1] x", "unexpected data after the document at byte 4"),
        ("\"a\u{01}\"", "invalid string at byte 2"),
        ("\"\\q\"", "invalid string at byte 2"),
        ("-", "invalid number at byte 0"),
        ("1e999", "number out of range at byte 0"),
    ])
    func reportsErrors(text: String, message: String) {
        #expect(throws: (any Error).self) { try JSONValue.parse(text) }
        do { _ = try JSONValue.parse(text) } catch { #expect(error.description == message) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONParseError.invalidString(offset: 0)) { try JSONValue.parse([0x22, 0xFF, 0xFE, 0x22]) }
    }

    @Test func boundsNestingWithoutCrashing() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.tooDeep(limit: 512, offset: 512)) { try JSONValue.parse(deep) }
        let ok = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect((try? JSONValue.parse(ok)) != nil)
    }

    @Test func serializesDeterministically() throws {
        let value = JSONValue.object(["b": .number(1), "a": .array([.string("x\"\n\u{1}"), .number(1.5), .null])])
        #expect(value.serialized() == #"{"a":["x\"\n\u0001",1.5,null],"b":1}"#)
        #expect(try JSONValue.parse(value.serialized()) == value)
    }

    @Test func incidentRoundTrips() throws {
        let incident = Incident(
            id: "abc", source: "defillama", sources: ["defillama", "rekt"], name: "Ronin Bridge",
            title: "Ronin drained", summary: nil, url: "https://rekt.news/ronin", date: Incident.parseDate("2022-03-23"),
            loss: Money(usd: 624e6), returned: Money(usd: 30e6), chains: ["Ethereum", "Ronin"],
            classification: "Infrastructure", technique: "Private Key Compromised", bridge: true, target: "Bridge",
            attribution: "Lazarus Group", tags: ["bridge"], update: true)
        let json = incident.jsonValue
        #expect(json["date"] == .string("2022-03-23T00:00:00Z"))
        #expect(json["net_loss"] == .number(594e6))
        #expect(json["summary"] == .null)
        #expect(try Incident(json: JSONValue.parse(json.serialized())) == incident)
    }

    @Test(arguments: [
        ("2022-03-23", 1_647_993_600.0),
        ("2022-03-23T10:00:00Z", 1_648_029_600),
        ("2022-03-23T10:00:00.5Z", 1_648_029_600.5),
        ("2022-03-23T12:00:00+02:00", 1_648_029_600),
        ("2022-03-23T05:00-0500", 1_648_029_600),
    ])
    func parsesDates(text: String, epoch: Double) {
        #expect(Incident.parseDate(text)?.timeIntervalSince1970 == epoch)
    }

    @Test(arguments: ["2022-02-30", "2022-13-01", "22-03-23", "2022-03-23T25:00Z", "2022-03-23X", "2022-03-23T10:00:00Zjunk"])
    func rejectsBadDates(text: String) {
        #expect(Incident.parseDate(text) == nil)
    }
}

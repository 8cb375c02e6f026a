import Foundation
import Testing
@testable import HackWatchModel

/// `*` in JSON Pointers (arrays of objects) and the incident's list fields in its JSON form.
@Suite struct JSONPointerWildcardTests {
    static let document = try! JSONValue.parse(#"""
    {"transactions": [{"attacker": "0xa", "hash": "0x1"}, {"attacker": null, "hash": "0x2"}, {"hash": "0x3"}, 7],
     "nested": [{"chains": [1, 56]}, {"chains": [137]}], "*": "star member"}
    """#)

    @Test(arguments: [
        ("/transactions/*/attacker", [JSONValue.string("0xa"), .null]),
        ("/transactions/*/hash", [.string("0x1"), .string("0x2"), .string("0x3")]),
        ("/nested/*/chains/*", [.number(1), .number(56), .number(137)]),
        ("/nested/*/chains/0", [.number(1), .number(137)]),
        ("/transactions/0/hash", [.string("0x1")]),
        ("/missing/*/x", []),
        // On an object `*` is the member named "*", as RFC 6901 has it.
        ("/*", [.string("star member")]),
    ])
    func resolveAll(pointer: String, expected: [JSONValue]) throws {
        let parsed = try JSONPointer(pointer)
        #expect(parsed.resolveAll(in: Self.document) == expected)
        #expect(parsed.hasWildcard == pointer.contains("*"))
    }

    @Test func resolveStaysSingleValued() throws {
        #expect(try JSONPointer("/transactions/*/hash").resolve(in: Self.document) == nil)
        #expect(try JSONPointer("/*").resolve(in: Self.document) == .string("star member"))
    }

    @Test func incidentAddressesAndTransactionsRoundTrip() throws {
        let incident = Incident(id: "597", source: "blocksec", name: "StablR", addresses: ["0x044D"], transactions: ["0x15f5", "0x16"])
        let json = incident.jsonValue
        #expect(json.objectValue?["addresses"] == .array([.string("0x044D")]))
        #expect(try Incident(json: json) == incident)
        // Incidents stored before these fields existed decode with empty lists.
        let old = try Incident(json: JSONValue.parse(#"{"id": "1", "source": "llama", "name": "Ronin"}"#))
        #expect(old.addresses == [] && old.transactions == [])
        #expect(throws: IncidentDecodingError.wrongType(field: "addresses", expected: "a list of strings")) {
            try Incident(json: JSONValue.parse(#"{"id": "1", "source": "s", "name": "n", "addresses": "0x1"}"#))
        }
    }
}

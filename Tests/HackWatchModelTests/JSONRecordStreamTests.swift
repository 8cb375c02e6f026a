import Foundation
import Testing
@testable import HackWatchModel

/// `JSONValue.forEachRecord` streams a feed array's records with the same grammar, limits,
/// recovery and error offsets as `parseRecords`, keeping only the requested members.
@Suite struct JSONRecordStreamTests {
    static let keys = ["name", "date", "amount"]

    /// What `parseRecords` makes of the document, in the streamed form: each element's wanted
    /// members (or the element itself), the skipped list, or the error.
    static func viaTree(_ text: String) -> String {
        var skipped: [SkippedJSONElement] = []
        do {
            let root = try JSONValue.parseRecords(Array(text.utf8), options: .feed, skipped: &skipped)
            guard case .array(let elements) = root else { return "other \(root.typeName)" }
            let indices = Set(skipped.map(\.index))
            let records = elements.enumerated().filter { !indices.contains($0.offset) }.map { offset, element -> String in
                if case .object(let members) = element { return "\(offset):" + describe(keys.map { members[$0] }) }
                return "\(offset):value \(element)"
            }
            return records.joined(separator: " ") + " skipped \(skipped.map { "\($0.index) \($0.reason)" })"
        } catch {
            return "error \(error)"
        }
    }

    static func viaStream(_ text: String) -> String {
        var skipped: [SkippedJSONElement] = []
        var records: [String] = []
        do {
            let other = try JSONValue.forEachRecord(Array(text.utf8), options: .feed, keys: keys, skipped: &skipped) { index, record in
                switch record {
                case .object(let slots): records.append("\(index):" + describe(slots))
                case .value(let value): records.append("\(index):value \(value)")
                }
            }
            if let other { return "other \(other.typeName)" }
            return records.joined(separator: " ") + " skipped \(skipped.map { "\($0.index) \($0.reason)" })"
        } catch {
            return "error \(error)"
        }
    }

    static func describe(_ slots: [JSONValue?]) -> String {
        slots.map { $0.map { "\($0)" } ?? "-" }.joined(separator: ",")
    }

    @Test(arguments: [
        #"[{"name":"A","date":1,"amount":2.5,"other":{"x":[1,2]}},{"name":"B"}]"#,
        #"[{"name":"A","name":"B","date":1}]"#,  // duplicate key: the last wins
        #"[{"na\u006De":"escaped key","date":2}]"#,
        #"[{"amount":1e400,"name":"bad"},{"name":"good","date":3}]"#,  // one record out of range
        "[" + String(repeating: "[", count: 300) + String(repeating: "]", count: 300) + #",{"name":"after deep"}]"#,
        #"[1,"two",null,[3],{}]"#,
        "[]",
        "\u{FEFF}[{\"name\":\"bom\"}]",
        #"  [ { "name" : "spaced" , "date" : 5 } ]  "#,
        #"[{"name":"A"}] x"#,  // trailing data
        #"[{"name":"A",}]"#,  // grammar error
        #"[{"name":"A""#,  // ends inside
        #"[{"name":"bad \u0001 control"}]"#,
        "[{\"name\":\"raw \u{01} control\"}]",
        #"{"name":"an object"}"#,
        #""just a string""#,
        #"[{"name":"x","date":01}]"#,
    ])
    func streamedRecordsMatchTheTree(_ text: String) {
        #expect(Self.viaStream(text) == Self.viaTree(text), "\(text)")
    }

    @Test func nestedArraysInsideARecordDoNotRecover() {
        // Only the outermost array's elements are records: a bad value deeper refuses that record.
        let text = #"[{"name":"A","amount":[1e400]},{"name":"B"}]"#
        #expect(Self.viaStream(text) == #"1:string("B"),-,- skipped ["0 number out of range at byte 23"]"#)
        #expect(Self.viaStream(text) == Self.viaTree(text))
    }
}

/// Stored change detection: `StableHash` is the same on every run, `Incident.contentHash`
/// covers every stored field.
@Suite struct IncidentContentHashTests {
    @Test func stableHashIsFNV1aOnShortInputs() {
        var empty = StableHash()
        empty.combine([UInt8]())
        #expect(empty.value == 0xcbf2_9ce4_8422_2325)
        var one = StableHash()
        one.combine(Array("a".utf8))
        #expect(one.value == 0xaf63_dc4c_8601_ec8c)  // FNV-1a 64 of "a"
    }

    @Test func contentHashIsFixedAcrossRuns() {
        // A stored value: if this changes, every stored hash is stale (one full re-process).
        let incident = Incident(id: "x", source: "feed", name: "Ronin", date: Date(timeIntervalSince1970: 1_648_000_000),
                                loss: Money(usd: 624e6))
        #expect(incident.contentHash == incident.contentHash)
        #expect(incident.contentHash == Incident(id: "x", source: "feed", name: "Ronin", date: Date(timeIntervalSince1970: 1_648_000_000),
                                                 loss: Money(usd: 624e6)).contentHash)
    }

    /// Every stored field changes the hash; evaluation-only fields do not.
    @Test(arguments: [
        "id", "source", "sources", "name", "title", "summary", "url", "date", "loss", "returned", "chains", "classification",
        "technique", "bridge", "target", "attribution", "tags", "addresses", "transactions", "defillamaId",
        "parentProtocolId", "exposure", "exposureUSD", "exposureOwner", "attributionSource",
    ])
    func everyStoredFieldChangesTheHash(_ field: String) {
        let base = Incident(id: "x", source: "feed", name: "Ronin")
        var changed = base
        switch field {
        case "id": changed.id = "y"
        case "source": changed.source = "other"
        case "sources": changed.sources = ["feed", "other"]
        case "name": changed.name = "Ronin2"
        case "title": changed.title = ""
        case "summary": changed.summary = ""
        case "url": changed.url = ""
        case "date": changed.date = Date(timeIntervalSince1970: 0)
        case "loss": changed.loss = Money(usd: 0)
        case "returned": changed.returned = Money(usd: 0)
        case "chains": changed.chains = ["Ethereum"]
        case "classification": changed.classification = ""
        case "technique": changed.technique = ""
        case "bridge": changed.bridge = false
        case "target": changed.target = ""
        case "attribution": changed.attribution = ""
        case "tags": changed.tags = [""]
        case "addresses": changed.addresses = ["0x1"]
        case "transactions": changed.transactions = ["0x2"]
        case "defillamaId": changed.defillamaId = "1"
        case "parentProtocolId": changed.parentProtocolId = "parent#x"
        case "exposure": changed.exposure = ["treasury"]
        case "exposureUSD": changed.exposureUSD = Money(usd: 0)
        case "exposureOwner": changed.exposureOwner = ""
        case "attributionSource": changed.attributionSource = ""
        default: Issue.record("unknown field \(field)")
        }
        #expect(changed.contentHash != base.contentHash)
    }

    @Test func evaluationOnlyFieldsDoNotChangeTheHash() {
        let base = Incident(id: "x", source: "feed", name: "Ronin")
        var evaluated = base
        evaluated.update = true
        evaluated.previousLoss = Money(usd: 1)
        evaluated.changes = ["loss"]
        #expect(evaluated.contentHash == base.contentHash)
    }

    /// A new field in `Incident` must be added to `contentHash` (and to the table above): an
    /// unhashed field's changes would be skipped on steady-state polls.
    @Test func incidentHasTheFieldsTheHashKnows() {
        let names = Mirror(reflecting: Incident(id: "x", source: "s", name: "n")).children.compactMap(\.label)
        #expect(names == ["id", "source", "sources", "name", "title", "summary", "url", "date", "loss", "returned", "chains",
                          "classification", "technique", "bridge", "target", "attribution", "tags", "addresses",
                          "transactions", "update", "previousLoss", "changes", "defillamaId", "parentProtocolId",
                          "exposure", "exposureUSD", "exposureOwner", "attributionSource"])
    }
}

import Foundation
import HackWatchConfiguration
import HackWatchModel

/// DefiLlama's `https://api.llama.fi/hacks`: one JSON array of objects.
///
/// Fields used: `name`, `date` (unix seconds), `amount` (USD or null), `returnedFunds`,
/// `chain` (list, null or []), `bridgeHack`, `targetType`, `classification`, `technique`,
/// `source` ("" → no url), `language` (→ tags), `defillamaId` (number or string) and
/// `parentProtocolId` (kept for exposure matching). Other fields (anything new) are ignored. A
/// record with a field of the wrong type is skipped with a warning.
enum DefiLlamaFormat {
    /// The members read, in `RecordReader.Field` order; others are checked, then dropped.
    static let keys = RecordReader.Field.allCases.map(\.key)

    static func parse(_ bytes: [UInt8], config: FeedConfig) throws(FeedError) -> FeedParseResult {
        var skipped: [SkippedJSONElement] = []
        var recordWarnings: [String] = []
        var incidents: [Incident] = []
        var indices: [Int] = []
        // Records are streamed: each becomes an incident as soon as it is read, so no parse tree
        // of the whole feed (nor a dictionary, nor a `JSONValue` per record) is ever built: the
        // members are decoded from the bytes straight into the incident's fields.
        let other: JSONValue?
        do {
            other = try JSONValue.forEachRecordFields(bytes, options: .feed, keys: keys, skipped: &skipped) { index, record in
                do throws(RecordError) {
                    incidents.append(try makeIncident(record, source: config.name))
                    indices.append(index)
                } catch {
                    recordWarnings.append("\(config.name): record \(index) skipped: \(error.reason)")
                }
            }
        } catch {
            throw FeedError(error, in: bytes)
        }
        if let other { throw .unexpectedShape("defillama: expected a JSON array at the top level, found \(other.typeName)") }
        var result = FeedParseResult()
        // A record with one value bad on its own (`amount: 1e400`, nesting past the limit) is
        // skipped, not the feed.
        result.warnings += skipped.map { "\(config.name): record \($0.index) skipped: \($0.reason)" }
        result.warnings += recordWarnings
        FeedAssembly.finish(&incidents, indices: indices, feed: config.name, warnings: &result.warnings)
        result.incidents = incidents
        return result
    }

    static func makeIncident(_ value: JSONFieldRecord, source: String) throws(RecordError) -> Incident {
        let record = try RecordReader(value)
        let name = try record.string(.name) ?? ""
        guard !name.isEmpty else { throw RecordError(reason: "missing or empty 'name'") }
        guard let seconds = try record.number(.date) else { throw RecordError(reason: "'\(name)': missing 'date'") }
        let loss = try record.number(.amount).map { Money(usd: $0) }
        let returned = try record.number(.returnedFunds).map { Money(usd: $0) }
        let chains = try record.strings(.chain)
        let classification = try record.string(.classification).flatMap(nonEmpty)
        let technique = try record.string(.technique).flatMap(nonEmpty)
        let target = try record.string(.targetType).flatMap(nonEmpty)
        let bridge = try record.bool(.bridgeHack)
        let url = try record.string(.source).flatMap(nonEmpty)
        let language = try record.string(.language).flatMap(nonEmpty)

        var incident = Incident(
            id: "", source: source, name: name,
            title: FeedAssembly.title(name: name, loss: loss, classification: classification),
            summary: FeedAssembly.summary(technique: technique, chains: chains, target: target, returned: returned), url: url,
            date: Date(timeIntervalSince1970: seconds), loss: loss, returned: returned, chains: chains,
            classification: classification, technique: technique, bridge: bridge, target: target,
            attribution: nil, tags: language.map { [$0] } ?? [])
        incident.defillamaId = record.identifier(.defillamaId)
        incident.parentProtocolId = record.identifier(.parentProtocolId)
        return incident
    }

    /// True when the bytes look like DefiLlama's array (for `auto`): an array whose first
    /// record carries DefiLlama's distinctive keys.
    static func looksLike(_ bytes: [UInt8]) -> Bool {
        let head = String(decoding: bytes.prefix(4096), as: UTF8.self)
        guard head.first(where: { !$0.isWhitespace && $0 != "\u{FEFF}" }) == "[" else { return false }
        return head.contains("\"bridgeHack\"") && head.contains("\"technique\"")
    }

    private static func nonEmpty(_ trimmed: String) -> String? {
        trimmed.isEmpty ? nil : trimmed
    }
}

/// Why one record was skipped.
struct RecordError: Error {
    var reason: String
}

/// Typed access to one record's members, decoded from the bytes: absent or null → nil; a wrong
/// type → `RecordError`. Strings come trimmed (Unicode whitespace, as `FeedText.trimmed`).
struct RecordReader {
    /// The members DefiLlama records have that hackwatch reads, in the order they are checked.
    enum Field: Int, CaseIterable {
        case name, date, amount, returnedFunds, chain, classification, technique, targetType, bridgeHack, source, language
        case defillamaId, parentProtocolId
        /// The member's name in the JSON.
        var key: String { "\(self)" }
    }

    let fields: JSONFields

    init(_ record: JSONFieldRecord) throws(RecordError) {
        switch record {
        case .object(let fields): self.fields = fields
        case .value(let value): throw RecordError(reason: "expected an object, found \(value.typeName)")
        }
    }

    private subscript(_ field: Field) -> JSONField { fields[field.rawValue] }

    private func wrongType(_ field: Field, _ expected: String, _ found: JSONField) -> RecordError {
        let name = self[.name]
        let label = name.kind == .string ? "'\(text(name))': " : ""
        return RecordError(reason: "\(label)'\(field.key)' should be \(expected), found \(found.typeName)")
    }

    /// A string field's text, trimmed; unescaped strings are trimmed on their bytes, so only
    /// the kept text becomes a `String`.
    private func text(_ field: JSONField) -> String {
        fields.withContent(field) { bytes in
            String(decoding: UnsafeBufferPointer(rebasing: bytes[FeedText.trimmedRange(bytes)]), as: UTF8.self)
        } ?? FeedText.trimmed(fields.string(field))
    }

    func string(_ key: Field) throws(RecordError) -> String? {
        let field = self[key]
        switch field.kind {
        case .absent, .null: return nil
        case .string: return text(field)
        default: throw wrongType(key, "a string", field)
        }
    }

    func number(_ key: Field) throws(RecordError) -> Double? {
        let field = self[key]
        switch field.kind {
        case .absent, .null: return nil
        case .number: return field.number
        default: throw wrongType(key, "a number", field)
        }
    }

    func bool(_ key: Field) throws(RecordError) -> Bool? {
        let field = self[key]
        switch field.kind {
        case .absent, .null: return nil
        case .bool: return field.bool
        default: throw wrongType(key, "a boolean", field)
        }
    }

    /// An id given as a string or an integral number (`1541` → "1541"); nil when absent or
    /// empty. Any other type is ignored rather than skipping the record: the id only helps
    /// exposure matching.
    func identifier(_ key: Field) -> String? {
        let field = self[key]
        switch field.kind {
        case .string:
            let trimmed = text(field)
            return trimmed.isEmpty ? nil : trimmed
        case .number where field.number.isFinite && field.number == field.number.rounded() && abs(field.number) < 1e15:
            return String(Int64(field.number))
        default: return nil
        }
    }

    /// A list of strings; a single string is accepted as a one-element list (kept as given).
    func strings(_ key: Field) throws(RecordError) -> [String] {
        let field = self[key]
        switch field.kind {
        case .absent, .null: return []
        case .string:
            let text = fields.string(field)
            return text.isEmpty ? [] : [text]
        case .array:
            var result: [String] = []
            var wrong: JSONField?
            fields.forEachElement(of: field) { element in
                guard element.kind == .string else { wrong = element; return false }
                let trimmed = text(element)
                if !trimmed.isEmpty { result.append(trimmed) }
                return true
            }
            if let wrong { throw wrongType(key, "a list of strings", wrong) }
            return result
        default: throw wrongType(key, "a list of strings", field)
        }
    }
}

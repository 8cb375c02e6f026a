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
        // Shared by every incident: values that repeat are decoded once (`RecordStrings`), and
        // each incident's `sources` is this one list, not an allocation of its own.
        var strings = RecordStrings()
        let sources = [config.name]
        // Records are streamed: each becomes an incident as soon as it is read, so no parse tree
        // of the whole feed (nor a dictionary, nor a `JSONValue` per record) is ever built: the
        // members are decoded from the bytes straight into the incident's fields.
        let other: JSONValue?
        do {
            other = try JSONValue.forEachRecordFields(bytes, options: .feed, keys: keys, skipped: &skipped) { index, record in
                do throws(RecordError) {
                    try appendIncident(record, source: config.name, sources: sources, strings: &strings, to: &incidents)
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

    /// Record → incident, appended to `incidents` (built in place: an incident returned and then
    /// appended was copied whole, a retain and release per field). `sources` is the feed's shared
    /// `[name]` list, `strings` its table of repeated values.
    static func appendIncident(_ value: JSONFieldRecord, source: String, sources: [String],
                               strings: inout RecordStrings, to incidents: inout [Incident]) throws(RecordError) {
        let record = try RecordReader(value)
        let name = try record.string(.name) ?? ""
        guard !name.isEmpty else { throw RecordError(reason: "missing or empty 'name'") }
        guard let seconds = try record.number(.date) else { throw RecordError(reason: "'\(name)': missing 'date'") }
        let loss = try record.number(.amount).map { Money(usd: $0) }
        let returned = try record.number(.returnedFunds).map { Money(usd: $0) }
        // The fields whose values repeat across records go through the shared table.
        let chains = try record.strings(.chain, shared: &strings)
        let classification = try record.string(.classification, shared: &strings)
        let technique = try record.string(.technique, shared: &strings)
        let target = try record.string(.targetType, shared: &strings)
        let bridge = try record.bool(.bridgeHack)
        let url = try record.string(.source).flatMap(nonEmpty)
        let tags = try record.list(.language, shared: &strings)

        let defillamaId = record.identifier(.defillamaId), parentProtocolId = record.identifier(.parentProtocolId)
        incidents.append(Incident(
            id: "", source: source, sources: sources, name: name,
            title: FeedAssembly.title(name: name, loss: loss, classification: classification),
            summary: FeedAssembly.summary(technique: technique, chains: chains, target: target, returned: returned), url: url,
            date: Date(timeIntervalSince1970: seconds), loss: loss, returned: returned, chains: chains,
            classification: classification, technique: technique, bridge: bridge, target: target,
            attribution: nil, tags: tags))
        incidents[incidents.count - 1].defillamaId = defillamaId
        incidents[incidents.count - 1].parentProtocolId = parentProtocolId
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
            String(decoding: Self.trimmed(bytes), as: UTF8.self)
        } ?? FeedText.trimmed(fields.string(field))
    }

    /// `text`, through the feed's shared table (`nil` when it trims to nothing).
    private func sharedText(_ field: JSONField, _ strings: inout RecordStrings) -> String? {
        let text = fields.withContent(field) { bytes in
            let trimmed = Self.trimmed(bytes)
            return trimmed.isEmpty ? "" : strings.string(trimmed)
        } ?? FeedText.trimmed(fields.string(field))
        return text.isEmpty ? nil : text
    }

    /// `bytes` without leading and trailing whitespace (`FeedText.trimmedRange`); most values
    /// begin and end with printable ASCII, which whitespace never is, so they are not scanned.
    private static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        if let first = bytes.first, let last = bytes.last, first &- 0x21 < 0x5E, last &- 0x21 < 0x5E { return bytes }
        return UnsafeBufferPointer(rebasing: bytes[FeedText.trimmedRange(bytes)])
    }

    func string(_ key: Field) throws(RecordError) -> String? {
        let field = self[key]
        switch field.kind {
        case .absent, .null: return nil
        case .string: return text(field)
        default: throw wrongType(key, "a string", field)
        }
    }

    /// `string(key)` with empty text as nil, decoded through the feed's shared table.
    func string(_ key: Field, shared strings: inout RecordStrings) throws(RecordError) -> String? {
        let field = self[key]
        switch field.kind {
        case .absent, .null: return nil
        case .string: return sharedText(field, &strings)
        default: throw wrongType(key, "a string", field)
        }
    }

    /// A string field as a one-element list (`[]` when absent, null or empty), shared per value.
    func list(_ key: Field, shared strings: inout RecordStrings) throws(RecordError) -> [String] {
        let field = self[key]
        switch field.kind {
        case .absent, .null: return []
        case .string:
            if let list = fields.withContent(field, { bytes in
                let trimmed = Self.trimmed(bytes)
                return trimmed.isEmpty ? [] : strings.list(trimmed)
            }) { return list }
            let text = FeedText.trimmed(fields.string(field))
            return text.isEmpty ? [] : [text]
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

    /// A list of strings, elements trimmed and empty ones dropped; a single string is accepted
    /// as a one-element list (kept as given). Elements go through the feed's shared table, and
    /// a list of one element is the table's shared list of it.
    func strings(_ key: Field, shared strings: inout RecordStrings) throws(RecordError) -> [String] {
        let field = self[key]
        switch field.kind {
        case .absent, .null: return []
        case .string:
            let text = fields.string(field)
            return text.isEmpty ? [] : [text]
        case .array:
            var result: [String] = []
            var single: [String]?  // the shared list, while the array has had one kept element
            var wrong: JSONField?
            fields.forEachElement(of: field) { element in
                guard element.kind == .string else { wrong = element; return false }
                if result.isEmpty, single == nil, let list = fields.withContent(element, { bytes in
                    let trimmed = Self.trimmed(bytes)
                    return trimmed.isEmpty ? [] : strings.list(trimmed)
                }) {
                    if !list.isEmpty { single = list }
                    return true
                }
                guard let text = sharedText(element, &strings) else { return true }
                if let first = single { result = first; single = nil }
                result.append(text)
                return true
            }
            if let wrong { throw wrongType(key, "a list of strings", wrong) }
            return single ?? result
        default: throw wrongType(key, "a list of strings", field)
        }
    }
}

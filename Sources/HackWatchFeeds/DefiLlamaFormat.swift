import Foundation
import HackWatchConfiguration
import HackWatchModel

/// DefiLlama's `https://api.llama.fi/hacks`: one JSON array of objects.
///
/// Fields used: `name`, `date` (unix seconds), `amount` (USD or null), `returnedFunds`,
/// `chain` (list, null or []), `bridgeHack`, `targetType`, `classification`, `technique`,
/// `source` ("" → no url), `language` (→ tags), `defillamaId` (number or string) and
/// `parentProtocolId` (kept for exposure matching). Other fields (anything new) are ignored. A record with a field of the wrong type is skipped with a warning.
enum DefiLlamaFormat {
    static func parse(_ bytes: [UInt8], config: FeedConfig) throws(FeedError) -> FeedParseResult {
        var root: JSONValue
        var skipped: [SkippedJSONElement] = []
        do { root = try JSONValue.parseRecords(bytes, options: .feed, skipped: &skipped) } catch { throw FeedError(error, in: bytes) }
        guard case .array(var elements) = root else {
            throw .unexpectedShape("defillama: expected a JSON array at the top level, found \(root.typeName)")
        }
        // The array is now only `elements`: each record's tree is freed as soon as it became an
        // incident, so the parse tree and the incidents are not both whole at once.
        root = .null
        var result = FeedParseResult()
        // A record with one value bad on its own (`amount: 1e400`, nesting past the limit) is
        // skipped, not the feed.
        result.warnings += skipped.map { "\(config.name): record \($0.index) skipped: \($0.reason)" }
        let skippedIndices = Set(skipped.map(\.index))
        var records: [(index: Int, incident: Incident)] = []
        records.reserveCapacity(elements.count)
        for index in elements.indices {
            let record = elements[index]
            elements[index] = .null
            if !skippedIndices.isEmpty, skippedIndices.contains(index), record == .null { continue }
            do throws(RecordError) {
                records.append((index, try makeIncident(record, source: config.name)))
            } catch {
                result.warnings.append("\(config.name): record \(index) skipped: \(error.reason)")
            }
        }
        result.incidents = FeedAssembly.finish(records, feed: config.name, warnings: &result.warnings)
        return result
    }

    static func makeIncident(_ value: JSONValue, source: String) throws(RecordError) -> Incident {
        let record = try RecordReader(value)
        let name = try record.string("name").map(FeedText.trimmed) ?? ""
        guard !name.isEmpty else { throw RecordError(reason: "missing or empty 'name'") }
        guard let seconds = try record.number("date") else { throw RecordError(reason: "'\(name)': missing 'date'") }
        let loss = try record.number("amount").map { Money(usd: $0) }
        let returned = try record.number("returnedFunds").map { Money(usd: $0) }
        let chains = try record.strings("chain")
        let classification = try record.string("classification").flatMap(nonEmpty)
        let technique = try record.string("technique").flatMap(nonEmpty)
        let target = try record.string("targetType").flatMap(nonEmpty)
        let bridge = try record.bool("bridgeHack")
        let url = try record.string("source").flatMap(nonEmpty)
        let language = try record.string("language").flatMap(nonEmpty)

        var incident = Incident(
            id: "", source: source, name: name,
            title: FeedAssembly.title(name: name, loss: loss, classification: classification),
            summary: FeedAssembly.summary(technique: technique, chains: chains, target: target, returned: returned), url: url,
            date: Date(timeIntervalSince1970: seconds), loss: loss, returned: returned, chains: chains,
            classification: classification, technique: technique, bridge: bridge, target: target,
            attribution: nil, tags: language.map { [$0] } ?? [])
        incident.defillamaId = record.identifier("defillamaId")
        incident.parentProtocolId = record.identifier("parentProtocolId")
        return incident
    }

    /// True when the bytes look like DefiLlama's array (for `auto`): an array whose first
    /// record carries DefiLlama's distinctive keys.
    static func looksLike(_ bytes: [UInt8]) -> Bool {
        let head = String(decoding: bytes.prefix(4096), as: UTF8.self)
        guard head.first(where: { !$0.isWhitespace && $0 != "\u{FEFF}" }) == "[" else { return false }
        return head.contains("\"bridgeHack\"") && head.contains("\"technique\"")
    }

    private static func nonEmpty(_ text: String) -> String? {
        let trimmed = FeedText.trimmed(text)
        return trimmed.isEmpty ? nil : trimmed
    }
}

/// Why one record was skipped.
struct RecordError: Error {
    var reason: String
}

/// Typed access to one JSON object's members: absent or null → nil; a wrong type → `RecordError`.
struct RecordReader {
    let members: [String: JSONValue]

    init(_ value: JSONValue) throws(RecordError) {
        guard case .object(let members) = value else {
            throw RecordError(reason: "expected an object, found \(value.typeName)")
        }
        self.members = members
    }

    private func wrongType(_ key: String, _ expected: String, _ found: JSONValue) -> RecordError {
        let label = members["name"]?.stringValue.map { "'\(FeedText.trimmed($0))': " } ?? ""
        return RecordError(reason: "\(label)'\(key)' should be \(expected), found \(found.typeName)")
    }

    func string(_ key: String) throws(RecordError) -> String? {
        switch members[key] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case let other?: throw wrongType(key, "a string", other)
        }
    }

    func number(_ key: String) throws(RecordError) -> Double? {
        switch members[key] {
        case nil, .null?: return nil
        case .number(let value)?: return value
        case let other?: throw wrongType(key, "a number", other)
        }
    }

    func bool(_ key: String) throws(RecordError) -> Bool? {
        switch members[key] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        case let other?: throw wrongType(key, "a boolean", other)
        }
    }

    /// An id given as a string or an integral number (`1541` → "1541"); nil when absent or
    /// empty. Any other type is ignored rather than skipping the record: the id only helps
    /// exposure matching.
    func identifier(_ key: String) -> String? {
        switch members[key] {
        case .string(let text)?:
            let trimmed = FeedText.trimmed(text)
            return trimmed.isEmpty ? nil : trimmed
        case .number(let value)? where value.isFinite && value == value.rounded() && abs(value) < 1e15:
            return String(Int64(value))
        default: return nil
        }
    }

    /// A list of strings; a single string is accepted as a one-element list.
    func strings(_ key: String) throws(RecordError) -> [String] {
        switch members[key] {
        case nil, .null?: return []
        case .string(let text)?: return text.isEmpty ? [] : [text]
        case .array(let elements)?:
            var result: [String] = []
            for element in elements {
                guard case .string(let text) = element else { throw wrongType(key, "a list of strings", element) }
                let trimmed = FeedText.trimmed(text)
                if !trimmed.isEmpty { result.append(trimmed) }
            }
            return result
        case let other?: throw wrongType(key, "a list of strings", other)
        }
    }
}

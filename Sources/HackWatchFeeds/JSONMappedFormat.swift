import Foundation
import HackWatchConfiguration
import HackWatchModel

/// Generic JSON feeds: `items_pointer` selects the array, `mapping` says where each field is.
///
/// Conversions: strings may come as numbers (ids); `loss`/`returned` are numbers, numeric
/// strings (`"12800000.000000"`, `"3,000,000"`) or text with a dollar amount (`"$1.5M"`), times
/// `amount_scale`; `chains`/`tags` are lists or one comma-separated string; `bridge` is a bool,
/// `"true"`/`"yes"`/`1`; `date` per `date_format`. A field of an impossible type (an object where
/// a name belongs) skips the record with a warning; an unparseable date or amount is kept as
/// unknown with a warning. Without a mapped `title`/`summary`, they are made from the fields like
/// DefiLlama's; without `bridge`/`attribution`, they are inferred from the text like RSS.
enum JSONMappedFormat {
    static func parse(_ bytes: [UInt8], config: FeedConfig) throws(FeedError) -> FeedParseResult {
        // Checked again here, not only at config load: `test`, `replay` and tests build feeds
        // directly. `FeedParser` calls this with `format` json (given or sniffed).
        let problems = JSONMapping.validate(config)
        guard problems.isEmpty else { throw .invalidMapping(problems) }
        let root: JSONValue
        var skipped: [SkippedJSONElement] = []
        do { root = try JSONValue.parseRecords(bytes, options: .feed, skipped: &skipped) } catch { throw FeedError(error, in: bytes) }
        let itemsPointer = try! JSONPointer(config.itemsPointer)  // validated above
        guard let items = itemsPointer.resolve(in: root) else {
            throw .unexpectedShape("json: items_pointer '\(config.itemsPointer)' designates nothing")
        }
        guard case .array(let elements) = items else {
            throw .unexpectedShape("json: items_pointer '\(config.itemsPointer)' designates \(items.typeName), not an array")
        }
        let mapping = Dictionary(uniqueKeysWithValues: config.mapping.map { ($0.key, try! JSONPointer($0.value)) })
        var result = FeedParseResult()
        // One value bad on its own costs its record (the outermost array's element), not the feed.
        result.warnings += skipped.map { "\(config.name): record \($0.index) skipped: \($0.reason)" }
        let skippedIndices = Set(skipped.map(\.index))
        var records: [(index: Int, incident: Incident)] = []
        records.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            if !skippedIndices.isEmpty, skippedIndices.contains(index), element == .null { continue }
            var item = MappedItem(value: element, mapping: mapping, config: config)
            do throws(RecordError) {
                let incident = try item.incident()
                records.append((index, incident))
                result.warnings += item.notes.map { "\(config.name): record \(index): \($0)" }
            } catch {
                result.warnings.append("\(config.name): record \(index) skipped: \(error.reason)")
            }
        }
        result.incidents = FeedAssembly.finish(records, feed: config.name, warnings: &result.warnings)
        return result
    }
}

/// One item read through the mapping.
private struct MappedItem {
    let value: JSONValue
    let mapping: [String: JSONPointer]
    let config: FeedConfig
    /// Repairs worth a warning (unparseable date/amount kept as unknown).
    var notes: [String] = []

    init(value: JSONValue, mapping: [String: JSONPointer], config: FeedConfig) {
        self.value = value
        self.mapping = mapping
        self.config = config
    }

    /// Fields that hold lists; a `*` pointer gives any other field its first value.
    static let listFields: Set<String> = ["chains", "tags", "addresses", "transactions"]

    /// The field's value after its transform (`FieldTransforms.apply`), if it has one.
    func raw(_ field: String) -> JSONValue? {
        let found = mapped(field)
        guard let transform = config.transforms[field] else { return found }
        let values = FieldTransforms.apply(transform, to: Self.texts(found), member: member,
                                           field: { Self.texts(mapped($0)) })
        guard let first = values.first else { return nil }
        return Self.listFields.contains(field) ? .array(values.map(JSONValue.string)) : .string(first)
    }

    /// What the field's pointer designates (null is absent); `*` pointers collect every value.
    func mapped(_ field: String) -> JSONValue? {
        guard let pointer = mapping[field] else { return nil }
        if pointer.hasWildcard {
            let all = pointer.resolveAll(in: value).filter { $0 != .null }
            guard let first = all.first else { return nil }
            return Self.listFields.contains(field) ? .array(all) : first
        }
        guard let found = pointer.resolve(in: value) else { return nil }
        return found == .null ? nil : found
    }

    /// A template placeholder: `slug` is the item's member, `/a/b` a JSON Pointer into the item.
    func member(_ name: String) -> String? {
        let found: JSONValue?
        if name.hasPrefix("/") { found = (try? JSONPointer(name))?.resolve(in: value) }
        else { found = value.objectValue?[name] }
        return Self.texts(found).first
    }

    /// Scalars as text (numbers without a needless fraction), arrays element by element.
    static func texts(_ value: JSONValue?) -> [String] {
        switch value {
        case .string(let text)?: [text]
        case .number(let number)?: [Self.text(number)]
        case .bool(let flag)?: [String(flag)]
        case .array(let elements)?: elements.flatMap { element in element.arrayValue == nil ? texts(element) : [] }
        default: []
        }
    }

    /// Where a field comes from, for messages.
    func origin(_ field: String) -> String {
        mapping[field].map { "at \($0)" } ?? "from its transform"
    }

    func string(_ field: String) throws(RecordError) -> String? {
        switch raw(field) {
        case nil: return nil
        case .string(let text)?:
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil : trimmed
        case .number(let number)?: return Self.text(number)
        case .bool(let flag)?: return String(flag)
        case let other?:
            throw RecordError(reason: "'\(field)' \(origin(field)) should be a string, found \(other.typeName)")
        }
    }

    func list(_ field: String) throws(RecordError) -> [String] {
        switch raw(field) {
        case nil: return []
        case .array(let elements)?:
            var out: [String] = []
            for element in elements {
                switch element {
                case .string(let text): out.append(text.trimmingCharacters(in: .whitespacesAndNewlines))
                case .number(let number): out.append(Self.text(number))
                case .null: continue
                default: throw RecordError(reason: "'\(field)' should be a list of strings, found \(element.typeName) in it")
                }
            }
            return out.filter { !$0.isEmpty }
        case .object?: throw RecordError(reason: "'\(field)' should be a list of strings, found object")
        default:
            return (try string(field) ?? "").split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
    }

    mutating func money(_ field: String, currencyIsUSD: Bool) throws(RecordError) -> Money? {
        var amount: Double?
        switch raw(field) {
        case nil: return nil
        case .number(let number)?: amount = number * config.amountScale
        case .string(let text)?:
            let plain = text.filter { $0 != "," && $0 != " " && $0 != "$" }
            if let number = Double(plain), number.isFinite {
                amount = number * config.amountScale
            } else {
                amount = FeedText.usdAmount(in: text)
                if amount == nil, !["", "-", "n/a", "unknown"].contains(plain.lowercased()) {
                    notes.append("'\(field)' \"\(FeedText.capped(text, 40))\" is not a USD amount; kept as unknown")
                }
            }
        case let other?:
            throw RecordError(reason: "'\(field)' should be a number, found \(other.typeName)")
        }
        if let value = amount, !value.isFinite {  // 1e300 times `amount_scale`
            notes.append("'\(field)' is too large once scaled by amount_scale; kept as unknown")
            amount = nil
        }
        guard currencyIsUSD else { return nil }
        return amount.map { Money(usd: $0) }
    }

    mutating func incident() throws(RecordError) -> Incident {
        guard let rawName = try string("name") else { throw RecordError(reason: "missing or empty 'name'") }
        let name = FeedText.capped(FeedText.collapse(rawName), FeedText.maxTitle)
        var date: Date?
        if let rawDate = raw("date") {
            date = FeedDate.from(rawDate, format: config.dateFormat)
            if date == nil { notes.append("'\(name)': date \(Self.show(rawDate)) not understood; kept as unknown") }
        }
        let currency = try string("loss_currency")
        let isUSD = currency.map { ["usd", "us$", "$"].contains($0.lowercased()) } ?? true
        let loss = try money("loss", currencyIsUSD: isUSD)
        let returned = try money("returned", currencyIsUSD: isUSD)
        let chains = try list("chains")
        let classification = try string("classification")
        let technique = try string("technique")
        let target = try string("target")
        let title = try string("title").map { FeedText.capped(FeedText.stripHTML($0), FeedText.maxTitle) }
            ?? FeedAssembly.title(name: name, loss: loss, classification: classification)
        let summary = try string("summary").map { FeedText.capped(FeedText.stripHTML($0), FeedText.maxSummary) }
            ?? FeedAssembly.summary(technique: technique, chains: chains, target: target, returned: returned)
        let text = [title, summary, technique, classification, target].compactMap { $0 }.joined(separator: "\n")
        var bridge = FeedText.mentionsBridge(text)
        if raw("bridge") != nil { bridge = try flag("bridge") }
        let attribution = try string("attribution")
            // Inferred from the text only when the config says nothing about attribution.
            ?? (mapping["attribution"] == nil && config.transforms["attribution"] == nil ? FeedText.attribution(in: text) : nil)
        return Incident(
            id: try string("id") ?? "", source: config.name, name: name, title: title, summary: summary,
            url: try string("url"), date: date, loss: loss, returned: returned, chains: chains,
            classification: classification, technique: technique, bridge: bridge, target: target,
            attribution: attribution, tags: try list("tags"),
            addresses: try list("addresses"), transactions: try list("transactions"))
    }

    func flag(_ field: String) throws(RecordError) -> Bool? {
        switch raw(field) {
        case .bool(let flag)?: return flag
        case .number(let number)?: return number != 0
        case .string(let text)?:
            switch text.lowercased().trimmingCharacters(in: .whitespaces) {
            case "true", "yes", "1", "y": return true
            case "false", "no", "0", "n", "": return false
            default: throw RecordError(reason: "'\(field)' should be a boolean, found \"\(FeedText.capped(text, 40))\"")
            }
        case nil: return nil
        case let other?: throw RecordError(reason: "'\(field)' should be a boolean, found \(other.typeName)")
        }
    }

    /// A number where text belongs (ids, chain ids): whole numbers without a fraction, and
    /// huge ones in exponent form rather than a trap converting them to `Int64`.
    static func text(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }

    static func show(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): "\"\(FeedText.capped(text, 40))\""
        case .number(let number): String(number)
        default: value.typeName
        }
    }
}

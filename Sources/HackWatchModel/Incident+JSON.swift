import Foundation

/// Why a stored or received incident object could not be decoded.
package enum IncidentDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The value is not a JSON object.
    case notAnObject
    /// A required member (`id`, `source`, `name`) is missing or not a string.
    case missing(String)
    /// A member has the wrong JSON type.
    case wrongType(field: String, expected: String)

    package var description: String {
        switch self {
        case .notAnObject: "incident is not a JSON object"
        case .missing(let field): "incident lacks '\(field)'"
        case .wrongType(let field, let expected): "incident field '\(field)' is not \(expected)"
        }
    }
}

extension Incident {
    /// The incident as a JSON object with RULES.md §2 field names (derived `text` and `net_loss`
    /// included; `age` is not, since it depends on when it is read). Unknown values are `null`.
    package var jsonValue: JSONValue {
        func string(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        func money(_ m: Money?) -> JSONValue { m.map { .number($0.usd) } ?? .null }
        return .object([
            "id": .string(id),
            "source": .string(source),
            "sources": .array(sources.map(JSONValue.string)),
            "name": .string(name),
            "title": string(title),
            "summary": string(summary),
            "text": .string(text),
            "url": string(url),
            "date": date.map { .string(Incident.formatDate($0)) } ?? .null,
            "loss": money(loss),
            "returned": money(returned),
            "net_loss": money(netLoss),
            "chains": .array(chains.map(JSONValue.string)),
            "classification": string(classification),
            "technique": string(technique),
            "bridge": bridge.map(JSONValue.bool) ?? .null,
            "target": string(target),
            "attribution": string(attribution),
            "tags": .array(tags.map(JSONValue.string)),
            "update": .bool(update),
            "defillama_id": string(defillamaId),
            "parent_protocol_id": string(parentProtocolId),
            "exposed": .bool(exposed),
            "exposure": .array(exposure.map(JSONValue.string)),
            "exposure_usd": money(exposureUSD),
            "exposure_owner": string(exposureOwner),
            "attribution_source": string(attributionSource),
            "addresses": .array(addresses.map(JSONValue.string)),
            "transactions": .array(transactions.map(JSONValue.string)),
        ])
    }

    /// Decodes what `jsonValue` produced (derived members are ignored).
    package init(json: JSONValue) throws(IncidentDecodingError) {
        guard let object = json.objectValue else { throw .notAnObject }
        func required(_ key: String) throws(IncidentDecodingError) -> String {
            guard let value = object[key]?.stringValue else { throw .missing(key) }
            return value
        }
        func optionalString(_ key: String) throws(IncidentDecodingError) -> String? {
            switch object[key] {
            case nil, .null?: return nil
            case .string(let s)?: return s
            default: throw .wrongType(field: key, expected: "a string")
            }
        }
        func strings(_ key: String) throws(IncidentDecodingError) -> [String] {
            switch object[key] {
            case nil, .null?: return []
            case .array(let items)?:
                var result: [String] = []
                for item in items {
                    guard let s = item.stringValue else { throw .wrongType(field: key, expected: "a list of strings") }
                    result.append(s)
                }
                return result
            default: throw .wrongType(field: key, expected: "a list of strings")
            }
        }
        func money(_ key: String) throws(IncidentDecodingError) -> Money? {
            switch object[key] {
            case nil, .null?: return nil
            case .number(let n)?: return Money(usd: n)
            default: throw .wrongType(field: key, expected: "a number")
            }
        }
        var date: Date?
        if let text = try optionalString("date") {
            guard let parsed = Incident.parseDate(text) else { throw .wrongType(field: "date", expected: "an ISO 8601 date") }
            date = parsed
        }
        let bridge: Bool?
        switch object["bridge"] {
        case nil, .null?: bridge = nil
        case .bool(let b)?: bridge = b
        default: throw .wrongType(field: "bridge", expected: "a boolean")
        }
        let source = try required("source")
        let sources = try strings("sources")
        self.init(
            id: try required("id"), source: source, sources: sources.isEmpty ? [source] : sources,
            name: try required("name"), title: try optionalString("title"), summary: try optionalString("summary"),
            url: try optionalString("url"), date: date, loss: try money("loss"), returned: try money("returned"),
            chains: try strings("chains"), classification: try optionalString("classification"),
            technique: try optionalString("technique"), bridge: bridge, target: try optionalString("target"),
            attribution: try optionalString("attribution"), tags: try strings("tags"),
            update: object["update"]?.boolValue ?? false,
            addresses: try strings("addresses"), transactions: try strings("transactions")
        )
        defillamaId = try optionalString("defillama_id")
        parentProtocolId = try optionalString("parent_protocol_id")
        exposure = try strings("exposure")
        exposureUSD = try money("exposure_usd")
        exposureOwner = try optionalString("exposure_owner")
        attributionSource = try optionalString("attribution_source")
    }

    /// The UTC day of `date` as `2022-03-23`, how alerts and listings show an incident's date.
    package static func formatDay(_ date: Date) -> String {
        String(formatDate(date).prefix(10))
    }

    /// ISO 8601 in UTC, seconds precision: `2022-03-23T00:00:00Z`.
    package static func formatDate(_ date: Date) -> String {
        // time_t() traps past Int64 (a feed's `1e308`); feeds' dates are checked at ingest, this
        // keeps any other path from crashing: far dates print clamped to the year 9999 or 0.
        let seconds = date.timeIntervalSince1970.isNaN ? 0 : min(max(date.timeIntervalSince1970, -62_167_219_200), 253_402_300_799)
        var time = time_t(seconds.rounded(.down))
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    /// Parses `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS(.fff)(Z|±HH:MM)`; nil for anything else.
    package static func parseDate(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[from..<from + count] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = number(0, 4), bytes.count >= 10, bytes[4] == 45, let month = number(5, 2), bytes[7] == 45,
              let day = number(8, 2), (1...12).contains(month), (1...31).contains(day) else { return nil }
        var hour = 0, minute = 0, second = 0, fraction = 0.0, offset = 0
        if bytes.count > 10 {
            guard bytes[10] == 84 || bytes[10] == 116 || bytes[10] == 32, let h = number(11, 2), bytes.count > 13, bytes[13] == 58,
                  let m = number(14, 2), h < 24, m < 60 else { return nil }
            hour = h; minute = m
            var i = 16
            if i < bytes.count, bytes[i] == 58 {
                guard let s = number(17, 2), s <= 60 else { return nil }
                second = s; i = 19
            }
            if i < bytes.count, bytes[i] == 46 {
                var j = i + 1, scale = 0.1
                while j < bytes.count, (48...57).contains(bytes[j]) { fraction += Double(bytes[j] - 48) * scale; scale /= 10; j += 1 }
                guard j > i + 1 else { return nil }
                i = j
            }
            if i == bytes.count {
                offset = 0
            } else if bytes[i] == 90 || bytes[i] == 122 {
                guard i + 1 == bytes.count else { return nil }
            } else if bytes[i] == 43 || bytes[i] == 45 {
                guard let oh = number(i + 1, 2) else { return nil }
                var om = 0
                if i + 3 < bytes.count {
                    let k = bytes[i + 3] == 58 ? i + 4 : i + 3
                    guard let parsed = number(k, 2), k + 2 == bytes.count else { return nil }
                    om = parsed
                } else if i + 3 != bytes.count { return nil }
                offset = (oh * 3600 + om * 60) * (bytes[i] == 45 ? -1 : 1)
            } else {
                return nil
            }
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let epoch = timegm(&parts)
        // timegm normalises Feb 30 into March; a date that moved was not a real date.
        guard parts.tm_mday == Int32(day), parts.tm_mon == Int32(month - 1) else { return nil }
        return Date(timeIntervalSince1970: Double(epoch - offset) + fraction)
    }
}

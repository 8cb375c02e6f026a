import Foundation
import HackWatchModel

extension FeedConfig {
    /// Every key a `feeds` entry may hold.
    package static let configKeys = [
        "name", "url", "format", "interval", "enabled", "timeout", "max_bytes", "headers",
        "mapping", "items_pointer", "amount_scale", "date_format",
        "items_xpath", "extract",
    ]
}

extension ConfigReader {
    /// One `feeds` entry; nil when a required key is missing or wrong (the problem is recorded).
    mutating func feed(_ value: JSONValue, at path: ConfigPath) -> FeedConfig? {
        guard let members = object(value, at: path) else { return nil }
        rejectUnknownKeys(members, known: FeedConfig.configKeys, at: path)
        let name = name(members, at: path)
        let url = feedURL(members, at: path)
        let formatName = choice(members, "format", among: FeedFormat.allCases.map(\.rawValue), what: "format", at: path)
        let formatOK = members["format"] == nil || formatName != nil
        var feed = FeedConfig(name: name ?? "", url: url ?? "", format: formatName.flatMap(FeedFormat.init(rawValue:)) ?? .auto)
        feed.interval = duration(members, "interval", at: path, positive: true) ?? feed.interval
        feed.enabled = bool(members, "enabled", at: path) ?? feed.enabled
        feed.timeout = duration(members, "timeout", at: path, positive: true) ?? feed.timeout
        feed.maxBytes = positiveInteger(members, "max_bytes", at: path) ?? feed.maxBytes
        feed.headers = headers(members, at: path)
        feed.mapping = stringMap(members, "mapping", at: path) ?? [:]
        if members["items_pointer"] != nil {
            // An empty pointer is valid (the document root), so read it without `string`'s non-empty check.
            if let pointer = members["items_pointer"]?.stringValue { feed.itemsPointer = pointer }
            else { report(path.key("items_pointer"), "expected a string, got \(members["items_pointer"]!.typeName)") }
        }
        feed.amountScale = number(members, "amount_scale", at: path) ?? feed.amountScale
        feed.dateFormat = string(members, "date_format", at: path)
        feed.itemsXPath = string(members, "items_xpath", at: path)
        feed.extract = string(members, "extract", at: path)
        if formatOK {
            for problem in JSONMapping.validate(feed) { reportRelative(problem, at: path) }
        }
        guard name != nil, url != nil, formatOK else { return nil }
        return feed
    }

    /// `"key.sub: message"` from a validator, placed under `path`.
    mutating func reportRelative(_ problem: String, at path: ConfigPath) {
        guard let colon = problem.range(of: ": ") else {
            report(path, problem)
            return
        }
        report(path.dotted(String(problem[..<colon.lowerBound])), String(problem[colon.upperBound...]))
    }

    /// `http://`, `https://` or `file://` (local feeds); anything else is refused before polling.
    private mutating func feedURL(_ members: [String: JSONValue], at path: ConfigPath) -> String? {
        guard let url = string(members, "url", at: path, required: true) else { return nil }
        let lower = url.lowercased()
        guard let scheme = ["http://", "https://", "file://"].first(where: lower.hasPrefix), url.count > scheme.count else {
            report(path.key("url"), "expected an http://, https:// or file:// URL, got '\(URLRedaction.redact(url))'")
            return nil
        }
        return url
    }

    /// Header names are tokens and values single lines: a stray CR/LF would let config text
    /// inject headers into the request.
    private mutating func headers(_ members: [String: JSONValue], at path: ConfigPath) -> [String: String] {
        guard let map = stringMap(members, "headers", at: path) else { return [:] }
        var result: [String: String] = [:]
        for (name, value) in map.sorted(by: { $0.key < $1.key }) {
            if !HTTPToken.isValid(name) {
                report(path.key("headers").key(name), "invalid header name '\(name)'")
            } else if value.contains(where: { $0.isNewline }) {
                report(path.key("headers").key(name), "header value must be a single line")
            } else {
                result[name] = value
            }
        }
        return result
    }
}

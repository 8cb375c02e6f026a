import Foundation
import HackWatchModel

extension FeedConfig {
    /// Every key a `feeds` entry may hold.
    package static let configKeys = [
        "name", "url", "format", "interval", "enabled", "timeout", "max_bytes", "headers",
        "mapping", "items_pointer", "amount_scale", "date_format", "transforms", "items_xpath", "extract",
        "method", "body", "body_file", "headers_file", "headers_env", "preset", "comment",
    ]

    /// `method` values.
    package static let methods = ["GET", "POST"]
}

extension ConfigReader {
    /// One `feeds` entry; nil when a required key is missing or wrong (the problem is recorded).
    mutating func feed(_ value: JSONValue, at path: ConfigPath, resolver: PathResolver) -> FeedConfig? {
        guard var members = object(value, at: path) else { return nil }
        rejectUnknownKeys(members, known: FeedConfig.configKeys, at: path)
        var preset: FeedPreset?
        if members["preset"] != nil, let presetName = string(members, "preset", at: path) {
            if let found = FeedPreset.named(presetName) {
                preset = found
                members = FeedPreset.merge(found.members, under: members)
            } else {
                let names = FeedPreset.all.map(\.name)
                report(path.key("preset"), "unknown preset '\(presetName)'\(Self.hint(presetName, among: names)) (known: \(names.joined(separator: ", ")))")
            }
        }
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
        feed.preset = preset?.name
        feed.itemsXPath = string(members, "items_xpath", at: path)
        feed.extract = string(members, "extract", at: path)
        feed.transforms = transforms(members, at: path)
        request(members, into: &feed, at: path, resolver: resolver)
        _ = string(members, "comment", at: path)  // free text for the reader of the file; type-checked only
        if let preset, preset.needsKey, !offline, feed.secretHeaders == nil, feed.headers.isEmpty {
            report(path, "preset '\(preset.name)' needs an API key: set headers_file or headers_env (e.g. a file holding 'X-Api-Key: ...')")
        }
        if formatOK {
            for problem in JSONMapping.validate(feed) { reportRelative(problem, at: path) }
        }
        guard name != nil, url != nil, formatOK else { return nil }
        return feed
    }

    /// `transforms`: incident field → `{"strip": …, "map": …, "template": …, "from": …}`.
    private mutating func transforms(_ members: [String: JSONValue], at path: ConfigPath) -> [String: FieldTransform] {
        guard let value = members["transforms"] else { return [:] }
        guard let fields = object(value, at: path.key("transforms")) else { return [:] }
        var result: [String: FieldTransform] = [:]
        for (field, spec) in fields.sorted(by: { $0.key < $1.key }) {
            let at = path.key("transforms").key(field)
            guard let keys = object(spec, at: at) else { continue }
            rejectUnknownKeys(keys, known: FieldTransform.keys, at: at)
            var transform = FieldTransform()
            switch keys["strip"] {
            case nil: break
            case .string(let text)?: transform.strip = [text]
            case .array(let items)?:
                for (index, item) in items.enumerated() {
                    if let text = item.stringValue { transform.strip.append(text) }
                    else { report(at.key("strip").index(index), "expected a string, got \(item.typeName)") }
                }
            case let other?: report(at.key("strip"), "expected a string or a list of strings, got \(other.typeName)")
            }
            transform.map = string(keys, "map", at: at)
            transform.template = string(keys, "template", at: at)
            transform.from = string(keys, "from", at: at)
            result[field] = transform
        }
        return result
    }

    /// `method`, `body`/`body_file`, `headers_file`/`headers_env`.
    private mutating func request(_ members: [String: JSONValue], into feed: inout FeedConfig, at path: ConfigPath, resolver: PathResolver) {
        if members["method"] != nil, let method = string(members, "method", at: path) {
            if FeedConfig.methods.contains(method.uppercased()) { feed.method = method.uppercased() }
            else { report(path.key("method"), "expected GET or POST, got '\(method)'") }
        }
        let text = string(members, "body", at: path)
        let file = string(members, "body_file", at: path)
        if text != nil, file != nil { report(path.key("body_file"), "give either body or body_file, not both") }
        if let text { feed.body = .text(text) } else if let file { feed.body = .file(resolver.resolve(file)) }
        if feed.body != nil, feed.method != "POST" { report(path.key("body"), "a body needs \"method\": \"POST\"") }
        let headersFile = string(members, "headers_file", at: path)
        let headersEnv = string(members, "headers_env", at: path)
        if headersFile != nil, headersEnv != nil { report(path.key("headers_env"), "give either headers_file or headers_env, not both") }
        if let headersFile {
            // `$CREDENTIALS_DIRECTORY/...` expands when read; other relative paths follow the config.
            feed.secretHeaders = .file(headersFile.hasPrefix("$") ? headersFile : resolver.resolve(headersFile))
        } else if let headersEnv {
            feed.secretHeaders = .environment(headersEnv)
        }
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

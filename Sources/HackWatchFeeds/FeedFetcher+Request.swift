import Foundation
import HackWatchConfiguration
import HackWatchHTTP
import HackWatchModel

extension FeedFetcher {
    /// The request for one poll of `feed` at `now`: method, headers (configured, then secret
    /// ones from `headers_file`/`headers_env`, an `Accept` of our own unless one is given) and
    /// body with its placeholders expanded (`Content-Type: application/json` when the body is
    /// JSON and no content type is configured).
    static func request(for feed: FeedConfig, now: Date, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(FeedFetchError) -> HTTPRequest {
        var headers = feed.headers.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
        if let source = feed.secretHeaders {
            for secret in try secretHeaders(source, environment: environment) {
                headers.removeAll { $0.name.caseInsensitiveCompare(secret.name) == .orderedSame }
                headers.append(secret)
            }
        }
        if !headers.contains(where: { $0.name.caseInsensitiveCompare("Accept") == .orderedSame }) {
            headers.insert(("Accept", accept), at: 0)
        }
        var body: [UInt8]?
        switch feed.body {
        case nil: body = nil
        case .text(let text)?: body = Array(expand(text, now: now).utf8)
        case .file(let path)?:
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .request("cannot read body_file \(path)")
            }
            body = Array(expand(String(decoding: data, as: UTF8.self), now: now).utf8)
        }
        // libcurl would label a POST body form-encoded; JSON APIs (BlockSec, GraphQL) refuse that.
        if let first = body?.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }), first == UInt8(ascii: "{") || first == UInt8(ascii: "["),
           !headers.contains(where: { $0.name.caseInsensitiveCompare("Content-Type") == .orderedSame }) {
            headers.append(("Content-Type", "application/json"))
        }
        return HTTPRequest(url: feed.url, method: feed.method == "POST" ? .post : .get, headers: headers, body: body,
                           timeout: feed.timeout, maxBodyBytes: feed.maxBytes)
    }

    /// Body placeholders: `{{now_ms}}` (unix milliseconds), `{{now}}` (unix seconds),
    /// `{{now_iso}}` (`2024-05-01T12:00:00Z`), `{{today}}` (`2024-05-01`, UTC). Other text,
    /// GraphQL braces included, is sent as written.
    static func expand(_ body: String, now: Date) -> String {
        guard body.contains("{{") else { return body }
        let seconds = now.timeIntervalSince1970
        return body
            .replacingOccurrences(of: "{{now_ms}}", with: String(Int64((seconds * 1000).rounded(.down))))
            .replacingOccurrences(of: "{{now_iso}}", with: Incident.formatDate(now))
            .replacingOccurrences(of: "{{now}}", with: String(Int64(seconds.rounded(.down))))
            .replacingOccurrences(of: "{{today}}", with: Incident.formatDay(now))
    }

    /// Headers from a secret: a JSON object of strings, or `Name: value` lines (blank lines and
    /// `#` comments skipped). Errors name the file or variable and the line, never a value.
    static func secretHeaders(_ source: SecretSource, environment: [String: String]) throws(FeedFetchError) -> [(name: String, value: String)] {
        let text: String
        do { text = try source.resolve(environment: environment) } catch { throw .request("headers: \(error.description)") }
        var headers: [(name: String, value: String)] = []
        if text.hasPrefix("{") {
            guard let object = (try? JSONValue.parse(text))?.objectValue else {
                throw .request("headers in \(source): not a JSON object of strings")
            }
            for (name, value) in object.sorted(by: { $0.key < $1.key }) {
                guard let string = value.stringValue else { throw .request("headers in \(source): header '\(name)' is not a string") }
                headers.append((name, string))
            }
        } else {
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
                guard let colon = trimmed.firstIndex(of: ":") else {
                    throw .request("headers in \(source): line \(number + 1) is not 'Name: value'")
                }
                headers.append((String(trimmed[..<colon]).trimmingCharacters(in: .whitespaces),
                                String(trimmed[trimmed.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
            }
        }
        for header in headers {
            guard HTTPToken.isValid(header.name) else { throw .request("headers in \(source): invalid header name") }
            guard !header.value.contains(where: { $0.isNewline }) else {
                throw .request("headers in \(source): header '\(header.name)' value must be a single line")
            }
        }
        return headers
    }
}

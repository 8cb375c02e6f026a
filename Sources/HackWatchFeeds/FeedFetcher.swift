import Foundation
import HackWatchConfiguration
import HackWatchHTTP
import HackWatchModel

/// What one poll of a feed produced.
package enum FeedFetchOutcome: Sendable {
    /// The feed has not changed since the validators were issued (HTTP 304, or an unchanged
    /// `file://` feed); nothing was parsed.
    case notModified
    /// The body was fetched and parsed. `validators` are the ones to send on the next poll
    /// (empty when the server offers none); `bytes` is the body size.
    case fetched(FeedParseResult, validators: HTTPValidators, bytes: Int)
}

/// Fetches a feed over `http(s)://` or from a `file://` URL and parses it.
///
/// - Conditional GET: the previous poll's validators go out as `If-None-Match` /
///   `If-Modified-Since`; a 304 is `.notModified`. `file://` feeds get validators of their own
///   (size and modification time), so an untouched local file is not re-read or re-parsed.
/// - Limits: the body may be at most `FeedConfig.maxBytes` (a larger one is aborted, never
///   buffered whole; a larger local file is refused before it is read); the whole exchange may
///   take at most `FeedConfig.timeout`.
/// - Errors never carry secrets: see `FeedFetchError`.
package struct FeedFetcher: Sendable {
    /// The `Accept` header sent to HTTP feeds.
    package static let accept = "application/json, application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"

    private let client: HTTPClient

    /// Creates a fetcher that uses `client` for every transfer.
    package init(client: HTTPClient = HTTPClient()) {
        self.client = client
    }

    /// One poll of `feed`. `validators` are those returned by the previous successful poll
    /// (nil on the first poll, or when the feed's URL changed).
    ///
    /// `previousBodyHash`: the `bodyHash` of the last body processed in full. A body hashing the
    /// same (same bytes, same feed settings, same hackwatch version: a server without validators,
    /// or one that changes its ETag on every response) is not parsed: its result is empty with
    /// `bodyUnchanged` set.
    package func fetch(_ feed: FeedConfig, validators: HTTPValidators?,
                       previousBodyHash: String? = nil) throws(FeedFetchError) -> FeedFetchOutcome {
        var fileValidators: HTTPValidators?
        if feed.url.lowercased().hasPrefix("file://") {
            let state = try Self.localFileState(feed)
            if let validators, !validators.isEmpty, validators == state { return .notModified }
            fileValidators = state
        }
        var request = try Self.request(for: feed, now: Date())
        // A POST asks a question each time (its body may hold the time); no conditional request.
        if fileValidators == nil, request.method == .get { request.addValidators(validators) }
        let response: HTTPResponse
        do {
            response = try client.send(request)
        } catch {
            throw .http(error)
        }
        if response.isNotModified { return .notModified }
        guard response.isSuccess else { throw .status(response.status) }
        let newValidators = fileValidators ?? response.validators
        let hash = Self.bodyHash(response.body, feed: feed)
        if let previousBodyHash, previousBodyHash == hash {
            return .fetched(FeedParseResult(bodyHash: hash, bodyUnchanged: true), validators: newValidators, bytes: response.body.count)
        }
        do {
            var result = try FeedParser.parse(response.body, config: feed)
            result.bodyHash = hash
            return .fetched(result, validators: newValidators, bytes: response.body.count)
        } catch {
            throw .parse(error)
        }
    }

    /// A stable hash of `body` together with everything that decides what it parses to: the
    /// feed's settings and hackwatch's version (a new parser may read the same bytes
    /// differently). Hex, 16 digits.
    static func bodyHash(_ body: [UInt8], feed: FeedConfig) -> String {
        var hash = StableHash()
        hash.combine("\(feed)")
        hash.combine(HTTPClient.version)
        hash.combine(body)
        let hex = String(hash.value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Validators for a local file: an ETag from its size and modification time (nanoseconds)
    /// and its modification time as an HTTP date. Refuses a file over `maxBytes` before reading.
    static func localFileState(_ feed: FeedConfig) throws(FeedFetchError) -> HTTPValidators {
        let redacted = URLRedaction.redact(feed.url)
        // Only local files: `file:///path` or `file://localhost/path`.
        guard let url = URL(string: feed.url), (url.host ?? "").isEmpty || url.host == "localhost",
              !url.path.isEmpty else {
            throw .http(.invalidURL(redacted))
        }
        let path = url.path
        var info = stat()
        guard stat(path, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            // The URL (in the message already) names the file; CURLE_FILE_COULDNT_READ_FILE's code.
            throw .http(.transport(url: redacted, code: 37, detail: "cannot read: \(reason)"))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw .http(.transport(url: redacted, code: 37, detail: "not a regular file"))
        }
        if Int(info.st_size) > feed.maxBytes { throw .http(.tooLarge(url: redacted, limit: feed.maxBytes)) }
        let seconds = Int(info.st_mtim.tv_sec), nanoseconds = Int(info.st_mtim.tv_nsec)
        let modified = Date(timeIntervalSince1970: TimeInterval(seconds))
        return HTTPValidators(etag: "\"\(info.st_size)-\(seconds).\(nanoseconds)\"", lastModified: httpDate(modified))
    }

    /// An RFC 9110 IMF-fixdate, e.g. `Wed, 23 Mar 2022 10:00:00 GMT`.
    static func httpDate(_ date: Date) -> String {
        let total = Int(date.timeIntervalSince1970.rounded(.down))
        let days = Int((Double(total) / 86_400).rounded(.down))
        let (year, month, day) = IncidentIdentity.civil(fromDays: days)
        let secondsOfDay = total - days * 86_400
        let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][((days % 7) + 7) % 7]
        let monthName = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][month - 1]
        return String(format: "%@, %02d %@ %04d %02d:%02d:%02d GMT", weekday, day, monthName, year,
                      secondsOfDay / 3600, secondsOfDay % 3600 / 60, secondsOfDay % 60)
    }
}

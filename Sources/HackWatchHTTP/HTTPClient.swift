import CCurl
import Foundation
import HackWatchModel

/// A blocking HTTP client over libcurl. Thread-safe: each thread uses its own easy handle
/// (`EasyHandles`, which keeps connections alive between requests), so many Dispatch queues may
/// call `send` at once.
///
/// Defaults: TLS verification on, `CURLOPT_NOSIGNAL`, SIGPIPE ignored, proxies from the usual
/// environment (`http_proxy`, `https_proxy`, `no_proxy`, read by libcurl itself), only
/// `http`, `https` and `file` URLs, redirects only to `http`/`https`.
package struct HTTPClient: Sendable {
    /// The version string sent as `User-Agent: hackwatch/VERSION`.
    package static let version = "0.1.0"

    /// The User-Agent sent with every request.
    package var userAgent: String
    /// A PEM CA bundle trusted instead of the system's for requests that name none (config `ca_file`).
    package var caFile: String?

    /// Creates a client; initialises libcurl once per process.
    package init(userAgent: String = "hackwatch/\(HTTPClient.version)", caFile: String? = nil) {
        self.userAgent = userAgent
        self.caFile = caFile
        _ = HTTPClient.globalInit
    }

    private static let globalInit: Void = {
        hw_ignore_sigpipe()
        curl_global_init(Int(CURL_GLOBAL_ALL))
    }()

    /// Performs `request` and returns the response whatever its status; throws `HTTPError` on
    /// transport failure, a body over `maxBodyBytes`, or too many redirects.
    package func send(_ request: HTTPRequest) throws(HTTPError) -> HTTPResponse {
        let lower = request.url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("file://") else {
            throw .invalidURL(request.redactedURL)
        }
        if let bad = request.headers.first(where: { !Self.isValidHeader($0) }) {
            throw .invalidHeader(name: bad.name.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F } ? bad.name : "<unprintable>")
        }
        guard let handle = EasyHandles.acquire() else {
            throw .transport(url: request.redactedURL, code: -1, detail: "curl_easy_init failed")
        }
        defer { EasyHandles.release(handle) }

        let sink = TransferSink(limit: request.maxBodyBytes)
        let sinkPointer = Unmanaged.passUnretained(sink).toOpaque()
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

        let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { errorPointer in
            hw_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorPointer.baseAddress)
            hw_curl_setopt_string(handle, CURLOPT_URL, request.url)
            hw_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
            hw_curl_setopt_string(handle, CURLOPT_USERAGENT, userAgent)
            hw_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https,file")
            hw_curl_setopt_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
            hw_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1)
            hw_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2)
            if let caFile = request.caFile ?? caFile { hw_curl_setopt_string(handle, CURLOPT_CAINFO, caFile) }
            hw_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout))
            hw_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout))
            hw_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, request.maxRedirects > 0 ? 1 : 0)
            hw_curl_setopt_long(handle, CURLOPT_MAXREDIRS, request.maxRedirects)
            // Servers that announce a length over the limit are refused before any body arrives.
            hw_curl_setopt_off(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(request.maxBodyBytes))
            hw_curl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, "")
            hw_curl_setopt_write_function(handle, CURLOPT_WRITEFUNCTION, Self.writeBody)
            hw_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, sinkPointer)
            hw_curl_setopt_write_function(handle, CURLOPT_HEADERFUNCTION, Self.writeHeader)
            hw_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, sinkPointer)

            for header in request.headers {
                headerList = curl_slist_append(headerList, "\(header.name): \(header.value)")
            }
            switch request.method {
            case .get:
                hw_curl_setopt_long(handle, CURLOPT_HTTPGET, 1)
            case .head:
                hw_curl_setopt_long(handle, CURLOPT_NOBODY, 1)
            case .post, .patch:
                let body = request.body ?? []
                hw_curl_setopt_long(handle, CURLOPT_POST, 1)
                // PATCH (Discord's message edit) is a POST with another verb.
                if request.method == .patch { hw_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, "PATCH") }
                // POSTFIELDSIZE first, so COPYPOSTFIELDS copies exactly that many bytes (NULs included).
                hw_curl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
                if !body.isEmpty {
                    _ = body.withUnsafeBufferPointer { bytes in
                        hw_curl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress!))
                    }
                } else {
                    hw_curl_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, "")  // an empty body, still a POST
                }
                // No "Expect: 100-continue" round trip for webhook bodies.
                headerList = curl_slist_append(headerList, "Expect:")
                // libcurl silently sends a POST again on a fresh connection when a kept-alive one
                // died before any answer (it may have been received and acted on): no backoff, not
                // counted. Abort at the second request instead; the caller's retry counts it.
                if request.maxRedirects == 0 {
                    hw_curl_setopt_prereq_function(handle, Self.onePostOnly, sinkPointer)
                }
            }
            if let headerList { hw_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList) }
            return curl_easy_perform(handle)
        }

        if code == CURLE_ABORTED_BY_CALLBACK, sink.requestsStarted > 1 {
            throw .connect(url: request.redactedURL, detail: "the kept-alive connection closed before an answer; "
                + "not sent again on a new one (the retry is the caller's, counted as an attempt)")
        }
        if code != CURLE_OK {
            let detail = Self.detail(code: code, buffer: errorBuffer, url: request.url)
            // A reused connection reports no connect time; a request that went out was connected.
            var connectTime = 0.0, pretransferTime = 0.0
            hw_curl_getinfo_double(handle, CURLINFO_CONNECT_TIME, &connectTime)
            hw_curl_getinfo_double(handle, CURLINFO_PRETRANSFER_TIME, &pretransferTime)
            throw Self.error(for: code, request: request, sink: sink, detail: detail,
                             connected: connectTime > 0 || pretransferTime > 0 || sink.sawResponse)
        }
        var status = 0
        hw_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        if lower.hasPrefix("file://") && status == 0 { status = 200 }
        return HTTPResponse(status: status, headers: sink.headers, body: sink.body)
    }

    /// libcurl sends header text as given, so a CR/LF in it would start a new header line.
    private static func isValidHeader(_ header: (name: String, value: String)) -> Bool {
        HTTPToken.isValid(header.name) && !header.value.unicodeScalars.contains { $0 == "\r" || $0 == "\n" || $0 == "\0" }
    }

    /// At least 1 ms; at most `Int32.max` ms (24.8 days), so that a config's `"timeout": 1e300`
    /// (any finite duration is accepted) neither traps in `Int()` nor overflows libcurl's sums.
    private static func milliseconds(_ span: TimeSpan) -> Int {
        Int(min(max(1, (span.seconds * 1000).rounded()), Double(Int32.max)))
    }

    /// libcurl's message with every URL in it redacted: libcurl may echo the request URL or a
    /// redirect target, and either can carry a webhook token.
    private static func detail(code: CURLcode, buffer: [CChar], url: String) -> String {
        let fromBuffer = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let text = fromBuffer.isEmpty ? String(cString: curl_easy_strerror(code)) : fromBuffer
        return URLRedaction.redactURLs(in: text.replacingOccurrences(of: url, with: URLRedaction.redact(url)))
    }

    private static func error(for code: CURLcode, request: HTTPRequest, sink: TransferSink, detail: String, connected: Bool) -> HTTPError {
        let url = request.redactedURL
        if sink.exceeded || code == CURLE_FILESIZE_EXCEEDED {
            return .tooLarge(url: url, limit: request.maxBodyBytes)
        }
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            // Name the limit that fired: no connection yet means the connect timeout.
            return .timeout(url: url, seconds: connected ? request.timeout.seconds : min(request.connectTimeout.seconds, request.timeout.seconds))
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY,
             CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING:
            return .connect(url: url, detail: detail)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR:
            return .tls(url: url, detail: detail)
        case CURLE_TOO_MANY_REDIRECTS:
            return .tooManyRedirects(url: url, limit: request.maxRedirects)
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return .invalidURL(url)
        default:
            return .transport(url: url, code: Int(code.rawValue), detail: detail)
        }
    }

    /// Lets the first request of a transfer out and aborts any repeat (see the POST setup).
    private static let onePostOnly: hw_curl_prereq_cb = { userdata, _, _, _, _ in
        guard let userdata else { return 0 }
        let sink = Unmanaged<TransferSink>.fromOpaque(userdata).takeUnretainedValue()
        sink.requestsStarted += 1
        return sink.requestsStarted > 1 ? 1 : 0  // CURL_PREREQFUNC_ABORT
    }

    private static let writeBody: hw_curl_write_cb = { data, size, count, userdata in
        let sink = Unmanaged<TransferSink>.fromOpaque(userdata!).takeUnretainedValue()
        let length = size * count
        guard sink.body.count + length <= sink.limit else {
            sink.exceeded = true
            return 0  // aborts the transfer: CURLE_WRITE_ERROR
        }
        if let data, length > 0 {
            data.withMemoryRebound(to: UInt8.self, capacity: length) {
                sink.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
            }
        }
        return length
    }

    private static let writeHeader: hw_curl_write_cb = { data, size, count, userdata in
        let sink = Unmanaged<TransferSink>.fromOpaque(userdata!).takeUnretainedValue()
        let length = size * count
        guard let data else { return length }
        let line = data.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
        sink.addHeaderLine(line)
        return length
    }
}

/// Collects one transfer's headers and body (used from libcurl's callbacks on one thread).
private final class TransferSink {
    let limit: Int
    var body: [UInt8] = []
    var headers: [(name: String, value: String)] = []
    var exceeded = false
    var sawResponse = false
    /// Requests libcurl began for this transfer (a POST's second one is aborted).
    var requestsStarted = 0

    init(limit: Int) { self.limit = limit }

    func addHeaderLine(_ raw: String) {
        // Swift reads "\r\n" as one Character, so trim by isNewline rather than by "\r".
        let line = raw.trimmingCharacters(in: .newlines)
        if line.hasPrefix("HTTP/") {
            sawResponse = true
            headers.removeAll()  // a new response (redirect or 100 Continue): keep only the last
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = String(line[..<colon]).trimmingCharacters(in: .whitespaces)
        let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        headers.append((name, value))
        // One allocation for announced bodies (never more than the limit, whatever is announced).
        if body.isEmpty, name.caseInsensitiveCompare("Content-Length") == .orderedSame, let length = Int(value), length > 0 {
            body.reserveCapacity(min(length, limit))
        }
    }
}

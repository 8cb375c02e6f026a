/// Why an HTTP exchange failed. Messages carry only redacted URLs.
package enum HTTPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The URL could not be parsed or uses a scheme hackwatch does not allow.
    case invalidURL(String)
    /// No connection within the connect timeout, or the whole exchange exceeded its timeout.
    case timeout(url: String, seconds: Double)
    /// The host could not be resolved or refused / reset the connection.
    case connect(url: String, detail: String)
    /// TLS handshake or certificate verification failed.
    case tls(url: String, detail: String)
    /// The body exceeded the limit; the transfer was aborted without buffering the rest.
    case tooLarge(url: String, limit: Int)
    /// More redirects than allowed.
    case tooManyRedirects(url: String, limit: Int)
    /// A request header whose name is not an HTTP token or whose value holds CR/LF/NUL, which
    /// would inject headers; refused before sending (the value is not echoed: it may be a token).
    case invalidHeader(name: String)
    /// Any other transport failure (libcurl's code and text).
    case transport(url: String, code: Int, detail: String)

    package var description: String {
        switch self {
        case .invalidURL(let url): "invalid URL \(url)"
        case .timeout(let url, let seconds): "\(url): timed out after \(Self.format(seconds))s"
        case .connect(let url, let detail): "\(url): cannot connect: \(detail)"
        case .tls(let url, let detail): "\(url): TLS error: \(detail)"
        case .tooLarge(let url, let limit): "\(url): response body larger than \(limit) bytes; aborted"
        case .tooManyRedirects(let url, let limit): "\(url): more than \(limit) redirects"
        case .invalidHeader(let name): "invalid request header '\(name)': its name must be a token and its value a single line"
        case .transport(let url, let code, let detail): "\(url): transfer failed (curl \(code)): \(detail)"
        }
    }

    /// True when trying again later may succeed (timeouts, connection failures).
    package var isTransient: Bool {
        switch self {
        case .timeout, .connect, .transport: true
        case .invalidURL, .tls, .tooLarge, .tooManyRedirects, .invalidHeader: false
        }
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}

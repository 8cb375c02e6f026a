import HackWatchModel
/// Why a feed body could not be parsed as a whole; fetch failures are `FeedFetchError`. Single
/// bad records are not errors: they are skipped and reported in `FeedParseResult.warnings`.
package enum FeedError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The body is not valid JSON (reason and byte offset inside).
    case invalidJSON(String)
    /// The body is not well-formed XML (reason and byte offset inside).
    case invalidXML(String)
    /// Nesting deeper than the parser's limit (hostile or broken input).
    case tooDeep(limit: Int)
    /// The document parsed but does not have the shape the format needs (e.g. no RSS `<channel>`).
    case unexpectedShape(String)
    /// `auto` could not tell which format the bytes are in.
    case unrecognisedFormat(String)
    /// The feed's `json` mapping is invalid (every problem listed).
    case invalidMapping([String])

    package var description: String {
        switch self {
        case .invalidJSON(let detail): detail
        case .invalidXML(let detail): detail
        case .tooDeep(let limit): "document nested deeper than \(limit) levels; refused"
        case .unexpectedShape(let detail): detail
        case .unrecognisedFormat(let detail): "cannot tell the feed's format: \(detail)"
        case .invalidMapping(let problems): "invalid json mapping: " + problems.joined(separator: "; ")
        }
    }

    /// `bytes` is the document, so that a truncated one is reported at its end.
    init(_ error: JSONParseError, in bytes: [UInt8]) {
        switch error {
        case .tooDeep(let limit, _): self = .tooDeep(limit: limit)
        default: self = .invalidJSON("invalid JSON at byte \(error.offset ?? bytes.count): \(error.reason)")
        }
    }
}

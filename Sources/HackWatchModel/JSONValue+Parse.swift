/// Why a JSON document could not be read; `offset` is the byte offset of the problem.
package enum JSONParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A byte that cannot start or continue a value here.
    case unexpected(character: String, offset: Int)
    /// The document ended inside a value.
    case unexpectedEnd
    /// Arrays/objects nested deeper than the limit (a guard against stack exhaustion).
    case tooDeep(limit: Int, offset: Int)
    /// A string holds a control character, a bad escape or (when rejected) invalid UTF-8.
    case invalidString(offset: Int)
    /// A number that breaks the RFC 8259 grammar.
    case invalidNumber(offset: Int)
    /// A well-formed number too large for a Double (`1e400`).
    case numberOutOfRange(offset: Int)
    /// Non-space bytes after the top-level value.
    case trailingData(offset: Int)

    package var description: String {
        switch self {
        case .unexpected(let c, let o): "unexpected '\(c)' at byte \(o)"
        case .unexpectedEnd: "unexpected end of document"
        case .tooDeep(let limit, let o): "nesting deeper than \(limit) at byte \(o)"
        case .invalidString(let o): "invalid string at byte \(o)"
        case .invalidNumber(let o): "invalid number at byte \(o)"
        case .numberOutOfRange(let o): "number out of range at byte \(o)"
        case .trailingData(let o): "unexpected data after the document at byte \(o)"
        }
    }

    /// The byte offset of the problem; nil when the document just ended.
    package var offset: Int? {
        switch self {
        case .unexpected(_, let o), .tooDeep(_, let o), .invalidString(let o), .invalidNumber(let o), .numberOutOfRange(let o),
             .trailingData(let o): o
        case .unexpectedEnd: nil
        }
    }

    /// What is wrong, without the offset (for messages that place it themselves).
    package var reason: String {
        switch self {
        case .unexpected(let c, _): "unexpected character '\(c)'"
        case .unexpectedEnd: "unexpected end of input"
        case .tooDeep(let limit, _): "nesting deeper than \(limit)"
        case .invalidString: "invalid string"
        case .invalidNumber: "invalid number"
        case .numberOutOfRange: "number out of range"
        case .trailingData: "unexpected data after the document"
        }
    }
}

/// How lenient `JSONValue.parse` is. `.strict` suits our own files (config, stored rows);
/// `.feed` suits documents from the internet, where a stray byte should not lose the whole feed.
package struct JSONParseOptions: Sendable, Equatable {
    /// What to do with bytes inside a string that are not valid UTF-8.
    package enum InvalidUTF8: Sendable, Equatable {
        /// Refuse the document (`JSONParseError.invalidString` at the string's opening quote).
        case reject
        /// Replace each bad sequence with U+FFFD.
        case replace
    }

    /// Arrays and objects nested deeper than this are refused (`JSONParseError.tooDeep`).
    package var depthLimit: Int
    /// Invalid UTF-8 inside strings: refused or replaced.
    package var invalidUTF8: InvalidUTF8
    /// Whether a leading UTF-8 byte order mark (EF BB BF) is skipped rather than refused.
    package var allowsByteOrderMark: Bool

    /// Creates options; the defaults are those of `.strict`.
    package init(depthLimit: Int = 512, invalidUTF8: InvalidUTF8 = .reject, allowsByteOrderMark: Bool = false) {
        self.depthLimit = depthLimit
        self.invalidUTF8 = invalidUTF8
        self.allowsByteOrderMark = allowsByteOrderMark
    }

    /// Depth 512, invalid UTF-8 refused, no byte order mark.
    package static let strict = JSONParseOptions()
    /// Depth 256 (like the XML tokenizer), invalid UTF-8 replaced, a byte order mark allowed.
    package static let feed = JSONParseOptions(depthLimit: 256, invalidUTF8: .replace, allowsByteOrderMark: true)
}

extension JSONValue {
    /// The default nesting limit: deep enough for any real feed, shallow enough for any stack.
    package static let defaultDepthLimit = JSONParseOptions.strict.depthLimit

    /// Parses a complete JSON document (RFC 8259) in one pass over the bytes. Nesting is bounded
    /// by `options.depthLimit`, duplicate object keys keep the last value, and lone surrogate
    /// escapes (`\ud800`) become U+FFFD.
    ///
    /// Why not `JSONSerialization`: it recurses without a bound (a 100,000-deep `[[[[…` exhausts
    /// the stack on Linux) and goes through `NSNumber`/`NSDictionary` bridging, several times slower.
    package static func parse(_ bytes: [UInt8], options: JSONParseOptions = .strict) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError> = bytes.withUnsafeBufferPointer { buffer in
            var reader = JSONByteReader(bytes: buffer, options: options)
            do throws(JSONParseError) {
                return .success(try reader.document())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Parses a feed document whose records are the elements of its outermost array(s): an
    /// element holding a value that is bad on its own (a number out of range, nesting past the
    /// limit) becomes `null` and is listed in `skipped` (its index in that array and why), so
    /// one hostile record costs that record, not the feed. Grammar errors still refuse the
    /// document: past one, where a record ends is unknown.
    package static func parseRecords(_ bytes: [UInt8], options: JSONParseOptions,
                                     skipped: inout [SkippedJSONElement]) throws(JSONParseError) -> JSONValue {
        let result: Result<(JSONValue, [SkippedJSONElement]), JSONParseError> = bytes.withUnsafeBufferPointer { buffer in
            var reader = JSONByteReader(bytes: buffer, options: options)
            reader.recoversRecords = true
            do throws(JSONParseError) {
                let value = try reader.document()
                return .success((value, reader.skipped))
            } catch {
                return .failure(error)
            }
        }
        let (value, list) = try result.get()
        skipped += list
        return value
    }

    /// Parses UTF-8 text with `.strict` options.
    package static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }
}

/// One record `JSONValue.parseRecords` replaced with `null`.
package struct SkippedJSONElement: Sendable, Equatable {
    /// The element's index in its array.
    package var index: Int
    /// What was wrong with it (`number out of range at byte 1234`).
    package var reason: String
}

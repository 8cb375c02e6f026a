import Foundation
import HackWatchConfiguration
import HackWatchModel

/// What one parse of a feed body produced.
package struct FeedParseResult: Hashable, Sendable {
    /// The incidents, in feed order, each with a stable `id` and `source` = the feed's name.
    package var incidents: [Incident]
    /// Records that were skipped or repaired, each with its reason (for the log).
    package var warnings: [String]
    /// `FeedFetcher.bodyHash` of the body (with the feed's settings), to store for the next poll.
    package var bodyHash: String?
    /// The body hashed as the previous poll's did: it was not parsed, `incidents` is empty.
    package var bodyUnchanged = false

    package init(incidents: [Incident] = [], warnings: [String] = [], bodyHash: String? = nil, bodyUnchanged: Bool = false) {
        self.incidents = incidents
        self.warnings = warnings
        self.bodyHash = bodyHash
        self.bodyUnchanged = bodyUnchanged
    }
}

/// Entry point: turns a feed body into incidents according to the feed's `format`.
package enum FeedParser {
    /// Parses `bytes` as `config.format` (sniffing for `auto`). Throws only when the document
    /// as a whole is unusable; bad records are skipped with a warning.
    package static func parse(_ bytes: [UInt8], config: FeedConfig) throws(FeedError) -> FeedParseResult {
        switch config.format {
        case .defillama: return try DefiLlamaFormat.parse(bytes, config: config)
        case .rss, .atom: return try SyndicationFormat.parse(bytes, config: config)
        case .json:
            if config.extract == "next_data" { return try JSONMappedFormat.parse(NextData.json(in: bytes), config: config) }
            return try JSONMappedFormat.parse(bytes, config: config)
        case .html, .xml: return try XPathFormat.parse(bytes, config: config)
        case .auto:
            var sniffed = config
            sniffed.format = try sniff(bytes)
            return try parse(bytes, config: sniffed)
        }
    }

    /// Guesses the format from the first bytes and, for JSON, the shape of the first record.
    package static func sniff(_ bytes: [UInt8]) throws(FeedError) -> FeedFormat {
        var index = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        guard index < bytes.count else { throw .unrecognisedFormat("empty body") }
        switch bytes[index] {
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            return DefiLlamaFormat.looksLike(bytes) ? .defillama : .json
        case UInt8(ascii: "<"):
            // Look at the first element name past the prolog, comments and doctype.
            let head = String(decoding: bytes[index..<min(bytes.count, index + 4096)], as: UTF8.self)
            return try sniffMarkup(head)
        default:
            // UTF-16/32 documents (with a BOM, as XML requires): look at them decoded.
            if let head = decodedHead(bytes) { return try sniffMarkup(head) }
            throw .unrecognisedFormat("neither JSON nor XML")
        }
    }

    /// rss/atom from the start of a markup document (decoded).
    static func sniffMarkup(_ head: String) throws(FeedError) -> FeedFormat {
        if head.range(of: "<rss", options: .caseInsensitive) != nil
            || head.range(of: "<rdf:RDF", options: .caseInsensitive) != nil { return .rss }
        if head.range(of: "<feed", options: .caseInsensitive) != nil { return .atom }
        // HTML pages and other XML need `items_xpath` and a mapping: never guessed.
        if head.range(of: "<html", options: .caseInsensitive) != nil || head.range(of: "<!doctype html", options: .caseInsensitive) != nil {
            throw .unrecognisedFormat("an HTML page: set format \"html\" with items_xpath and an XPath mapping")
        }
        throw .unrecognisedFormat("XML but neither <rss> nor <feed> in the first 4 KiB (format \"xml\" reads any XML with items_xpath)")
    }

    /// The first 4 KiB decoded when `bytes` start with a UTF-16 or UTF-32 byte order mark.
    static func decodedHead(_ bytes: [UInt8]) -> String? {
        let boms: [([UInt8], String.Encoding)] = [
            ([0x00, 0x00, 0xFE, 0xFF], .utf32BigEndian), ([0xFF, 0xFE, 0x00, 0x00], .utf32LittleEndian),
            ([0xFE, 0xFF], .utf16BigEndian), ([0xFF, 0xFE], .utf16LittleEndian),
        ]
        guard let (bom, encoding) = boms.first(where: { bytes.starts(with: $0.0) }) else { return nil }
        let body = bytes[bom.count...].prefix(16_384)
        let unit = bom.count == 4 ? 4 : 2
        return String(bytes: body.prefix(body.count / unit * unit), encoding: encoding)
    }
}

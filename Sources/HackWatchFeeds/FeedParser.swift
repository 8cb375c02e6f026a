import Foundation
import HackWatchConfiguration
import HackWatchModel

/// What one parse of a feed body produced.
package struct FeedParseResult: Hashable, Sendable {
    /// The incidents, in feed order, each with a stable `id` and `source` = the feed's name.
    package var incidents: [Incident]
    /// Records that were skipped or repaired, each with its reason (for the log).
    package var warnings: [String]

    package init(incidents: [Incident] = [], warnings: [String] = []) {
        self.incidents = incidents
        self.warnings = warnings
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
        case .json where config.extract != nil, .html, .xml:
            // The libxml2 formats (html/xml with items_xpath, extract next_data) come with the
            // XML engine; until then such feeds fail each poll with this reason.
            throw .unrecognisedFormat("format \(config.extract.map { "json with extract '\($0)'" } ?? config.format.rawValue) needs the libxml2 formats, not in this build")
        case .json: return try JSONMappedFormat.parse(bytes, config: config)
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
            if head.range(of: "<rss", options: .caseInsensitive) != nil
                || head.range(of: "<rdf:RDF", options: .caseInsensitive) != nil { return .rss }
            if head.range(of: "<feed", options: .caseInsensitive) != nil { return .atom }
            throw .unrecognisedFormat("XML but neither <rss> nor <feed> in the first 4 KiB")
        default:
            throw .unrecognisedFormat("neither JSON nor XML")
        }
    }
}

import Foundation
import TestSupport
@testable import HackWatchConfiguration
@testable import HackWatchFeeds

/// Helpers for the Feeds tests.
enum FeedFixtures {
    /// The shared `feeds/` folder of real snapshots (`SharedFeeds.folder`).
    static let sharedFeeds: URL? = SharedFeeds.folder

    /// The bytes of `shared/feeds/<relative>`, or nil when absent.
    static func shared(_ relative: String) -> [UInt8]? {
        guard let url = sharedFeeds?.appendingPathComponent(relative),
              let data = FileManager.default.contents(atPath: url.path) else { return nil }
        return [UInt8](data)
    }

    /// The DefiLlama hacks snapshot (`SharedFeeds.defiLlamaSnapshot`).
    static let defiLlamaSnapshot: [UInt8]? = SharedFeeds.defiLlamaSnapshot

    static func config(_ format: FeedFormat, name: String = "test", mapping: [String: String] = [:],
                       itemsPointer: String = "", amountScale: Double = 1, dateFormat: String? = nil) -> FeedConfig {
        FeedConfig(name: name, url: "file:///dev/null", format: format, mapping: mapping,
                   itemsPointer: itemsPointer, amountScale: amountScale, dateFormat: dateFormat)
    }

    static func parse(_ text: String, _ format: FeedFormat, name: String = "test") throws -> FeedParseResult {
        try FeedParser.parse(Array(text.utf8), config: config(format, name: name))
    }

    /// `2022-03-23` (UTC midnight) or a full ISO 8601 timestamp.
    static func date(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        if text.count == 10 { formatter.formatOptions = [.withFullDate] }
        return formatter.date(from: text)!
    }
}

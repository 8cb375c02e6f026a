import Foundation
@testable import HackWatch

/// Helpers for the Feeds tests.
enum FeedFixtures {
    /// The real snapshots in `../shared/feeds` beside the repository (nil when absent, e.g. a bare clone).
    /// Looks in `repoRoot/../shared/feeds` (CI: shared/ beside the clone) and one level further up
    /// (a git worktree under `wt/`).
    static func shared(_ relative: String) -> [UInt8]? {
        let repoRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let parent = repoRoot.deletingLastPathComponent()
        for base in [parent, parent.deletingLastPathComponent()] {
            let path = base.appendingPathComponent("shared/feeds/\(relative)").path
            if let data = FileManager.default.contents(atPath: path) { return [UInt8](data) }
        }
        return nil
    }

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

import Foundation
@testable import HackWatchConfiguration
@testable import HackWatchFeeds

/// Helpers for the Feeds tests.
enum FeedFixtures {
    /// The shared `feeds/` folder of real snapshots (nil when absent, e.g. a bare clone):
    /// `$HACKWATCH_SHARED/feeds` when that is set, else the first `shared/feeds` found walking up
    /// from the repository root's parent (CI: beside the clone; a git worktree under `wt/`: higher).
    static let sharedFeeds: URL? = {
        if let shared = ProcessInfo.processInfo.environment["HACKWATCH_SHARED"], !shared.isEmpty {
            let url = URL(fileURLWithPath: shared).appendingPathComponent("feeds")
            return FileManager.default.fileExists(atPath: url.path) ? url : nil
        }
        let repoRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        var base = repoRoot.deletingLastPathComponent()
        while base.path != "/" {
            let candidate = base.appendingPathComponent("shared/feeds")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            base = base.deletingLastPathComponent()
        }
        return nil
    }()

    /// The bytes of `shared/feeds/<relative>`, or nil when absent.
    static func shared(_ relative: String) -> [UInt8]? {
        guard let url = sharedFeeds?.appendingPathComponent(relative),
              let data = FileManager.default.contents(atPath: url.path) else { return nil }
        return [UInt8](data)
    }

    /// The DefiLlama hacks snapshot (`shared/feeds/defillama/api.llama.fi_hacks_*.json`).
    static let defiLlamaSnapshot: [UInt8]? = {
        guard let folder = sharedFeeds?.appendingPathComponent("defillama"),
              let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path),
              let name = names.filter({ $0.hasPrefix("api.llama.fi_hacks") && $0.hasSuffix(".json") }).sorted().last
        else { return nil }
        return shared("defillama/\(name)")
    }()

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

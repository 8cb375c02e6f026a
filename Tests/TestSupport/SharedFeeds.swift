import Foundation

/// The shared `feeds/` folder of real snapshots, read at test time and never copied into the
/// repository (nil when absent, e.g. a bare clone): `$HACKWATCH_SHARED/feeds` when that is set,
/// else the first `shared/feeds` found walking up from the repository root's parent (CI: beside
/// the clone; a git worktree under `wt/`: higher).
package enum SharedFeeds {
    package static let folder: URL? = {
        if let shared = ProcessInfo.processInfo.environment["HACKWATCH_SHARED"], !shared.isEmpty {
            let url = URL(fileURLWithPath: shared).appendingPathComponent("feeds")
            return FileManager.default.fileExists(atPath: url.path) ? url : nil
        }
        var base = repositoryRoot.deletingLastPathComponent()
        while base.path != "/" {
            let candidate = base.appendingPathComponent("shared/feeds")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            base = base.deletingLastPathComponent()
        }
        return nil
    }()

    /// The repository this test bundle was built from.
    package static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The DefiLlama hacks snapshot (`defillama/api.llama.fi_hacks_*.json`), or nil.
    package static var defiLlamaSnapshot: [UInt8]? {
        guard let folder = folder?.appendingPathComponent("defillama"),
              let name = (try? FileManager.default.contentsOfDirectory(atPath: folder.path))?
                .filter({ $0.hasPrefix("api.llama.fi_hacks") && $0.hasSuffix(".json") }).sorted().last,
              let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) else { return nil }
        return [UInt8](data)
    }
}

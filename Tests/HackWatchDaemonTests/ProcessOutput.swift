import Foundation

/// Paths for tests that run external programs (systemd-analyze).
enum ProcessOutput {
    /// The repository root, found from this file's location.
    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }
}

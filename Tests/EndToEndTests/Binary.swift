import Foundation
import TestSupport

/// Locates and runs the built `hackwatch` binary (HACKWATCH_BIN, else .build/debug/hackwatch).
enum Binary {
    static var path: String {
        if let env = ProcessInfo.processInfo.environment["HACKWATCH_BIN"], !env.isEmpty { return env }
        return repoRoot.appendingPathComponent(".build/debug/hackwatch").path
    }

    /// The repository root (for rules/, config.example.json).
    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    typealias Result = ProcessResult

    /// Runs the binary to completion with `arguments`, capturing both streams.
    static func run(_ arguments: [String], environment: [String: String]? = nil, cwd: URL? = nil) throws -> Result {
        try runProcess(path, arguments, environment: environment, cwd: cwd)
    }
}

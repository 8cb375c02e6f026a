// Shared test helpers (loopback servers, temp dirs) used by both test targets.
import Foundation

/// A fresh temporary directory, removed by the caller when done.
public func makeTemporaryDirectory(_ prefix: String = "hackwatch-test") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

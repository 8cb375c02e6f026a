// Shared test helpers (loopback servers, temp dirs) used by both test targets.
import Foundation

/// A fresh temporary directory, removed by the caller when done.
public func makeTemporaryDirectory(_ prefix: String = "hackwatch-test") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Polls `condition` every `interval` seconds until it holds or `timeout` seconds pass; true when it
/// held. The 5 ms default keeps the bench's latency figures fine-grained at negligible CPU cost.
public func waitUntil(timeout: Double, every interval: Double = 0.005, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        usleep(useconds_t(interval * 1_000_000))
    }
    return condition()
}

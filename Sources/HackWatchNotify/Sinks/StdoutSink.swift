import Foundation
import HackWatchModel

/// One JSON line per alert (`AlertPayload`) on standard output, for demos and pipes
/// (`hackwatch run | jq`). Lines are written whole under a lock, so concurrent sends never
/// interleave; a closed pipe makes the delivery retry rather than vanish.
package struct StdoutSink: Sink {
    package let name: String
    let descriptor: Int32
    private static let lock = NSLock()

    /// `descriptor` defaults to standard output (tests pass a pipe).
    package init(name: String, descriptor: Int32 = STDOUT_FILENO) {
        self.name = name
        self.descriptor = descriptor
        // A reader that went away must surface as EPIPE (a retry), not kill the daemon.
        signal(SIGPIPE, SIG_IGN)
    }

    package func send(_ alert: Alert) -> SinkResult {
        let line = AlertPayload.bodyBytes(for: alert, sinkType: "stdout") + [0x0A]
        Self.lock.lock()
        defer { Self.lock.unlock() }
        var offset = 0
        while offset < line.count {
            let written = line[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return .retry(after: nil, reason: "cannot write to standard output: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
        return .delivered
    }
}

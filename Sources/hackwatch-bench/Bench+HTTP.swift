import Foundation
import TestSupport
import HackWatchHTTP
import HackWatchModel

/// HTTP client figures: GETs of a 100 KiB body over loopback (one easy handle and one TCP
/// connection per request, as the daemon polls), and a 2 GiB body refused at a 10 MiB limit.
/// The server runs in this process (TestSupport's LoopbackHTTPServer), so peak RSS includes it.
func benchHTTP(_ report: inout BenchReport) {
    let body = [UInt8](repeating: UInt8(ascii: "x"), count: 100 << 10)
    let server: LoopbackHTTPServer
    let huge: LoopbackHTTPServer
    do {
        server = try LoopbackHTTPServer { _ in .response(status: 200, headers: [], body: body) }
        huge = try LoopbackHTTPServer { _ in .huge(bytes: 2 << 30, framing: .chunked) }
    } catch {
        report.note("HTTP bench skipped: cannot start the loopback server: \(error)")
        return
    }
    defer { server.stop(); huge.stop() }
    let client = HTTPClient()
    let request = HTTPRequest(url: server.url("/feed"))
    let before = peakRSSMiB()
    if let load = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) {
        // Client and server share the cores: a busy machine lowers the figures.
        report.note("load average at start: \(load.split(separator: " ").prefix(3).joined(separator: " "))")
    }

    /// Requests per second over `total` GETs spread across `threads` threads; nil if any failed.
    func getsPerSecond(total: Int, threads: Int) -> Double? {
        let failures = Failures()
        let seconds = measure {
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                for _ in 0..<(total / threads) {
                    let ok = (try? client.send(request)).map { $0.status == 200 && $0.body.count == body.count } ?? false
                    if !ok { failures.add() }
                }
            }
        }
        return failures.count == 0 ? Double(total) / seconds : nil
    }

    _ = getsPerSecond(total: 50, threads: 1)  // warm-up: libcurl init, page faults, thread pool
    for (threads, total) in [(1, 2000), (4, 4000)] {
        guard let rate = getsPerSecond(total: total, threads: threads) else {
            report.note("GET 100 KiB x \(threads) threads: some requests failed; no figure")
            continue
        }
        report.record("get_100k_loopback_\(threads)_thread\(threads == 1 ? "" : "s")", rate, "requests/s",
                      note: "\(total) GETs, new connection each")
    }
    report.record("peak_rss_after_gets", peakRSSMiB(), "MiB", note: "process incl. in-process server; \(String(format: "%.1f", before)) MiB before")

    var outcome = "no error"
    let abortSeconds = measure {
        do throws(HTTPError) {
            _ = try client.send(HTTPRequest(url: huge.url("/huge"), timeout: TimeSpan(seconds: 120), maxBodyBytes: 10 << 20))
        } catch {
            outcome = error.isTooLarge ? "tooLarge" : "\(error)"
        }
    }
    report.record("abort_2gib_body_at_10mib_limit", abortSeconds * 1000, "ms", note: "outcome: \(outcome)")
    report.record("peak_rss_after_2gib_abort", peakRSSMiB(), "MiB", note: "bounded by the limit, not the body")
}

private extension HTTPError {
    var isTooLarge: Bool { if case .tooLarge = self { true } else { false } }
}

/// A thread-safe failure counter for the concurrent loop.
private final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func add() { lock.withLock { value += 1 } }
    var count: Int { lock.withLock { value } }
}

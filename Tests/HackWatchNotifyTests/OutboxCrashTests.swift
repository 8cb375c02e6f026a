import Foundation
import Testing
import TestSupport
import HackWatchFixtures
@testable import HackWatchNotify
@testable import HackWatchStore

/// kill -9 of a process in the middle of delivering, then a restart: nothing is lost, and the
/// only repeats are the requests in flight at each kill (at most one per sink per kill), which
/// carry the same `webhook-id` so the receiver can drop them.
@Suite struct OutboxCrashTests {
    /// `hackwatch-outbox-probe`, built beside the test bundle (HACKWATCH_OUTBOX_PROBE overrides).
    static var probePath: String? {
        if let path = ProcessInfo.processInfo.environment["HACKWATCH_OUTBOX_PROBE"], !path.isEmpty { return path }
        let bundleFolder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let candidates = [bundleFolder.appendingPathComponent("hackwatch-outbox-probe").path,
                          repo.appendingPathComponent(".build/debug/hackwatch-outbox-probe").path]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func launch(_ probe: String, db: String, url: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: probe)
        process.arguments = ["--db", db, "--sink", "hook", "--url", url, "--secret", HTTPSinkKind.signingSecret]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    @Test func killNineMidDeliveryThenRestartLosesNothing() throws {
        let probe = try #require(Self.probePath, "hackwatch-outbox-probe is not built (swift build builds it)")
        let log = AcceptLog()
        let server = try LoopbackHTTPServer { request in
            _ = log.next()
            log.accept(request)
            return .delayed(seconds: 0.04, then: .text("ok"))
        }
        let folder = try makeTemporaryDirectory("hackwatch-crash")
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = StateStore.path(stateDir: folder.path)
        let store = try StateStore(path: db)
        let batch = (0..<40).map { (NotifyFixtures.alert("crash-\($0)"), ["hook"]) }
        _ = try store.recordFiring(batch)

        var kills = 0
        for threshold in [8, 20] {
            let process = try Self.launch(probe, db: db, url: server.url("/hook"))
            #expect(waitUntil(timeout: 30, every: 0.01) { log.requestCount >= threshold }, "probe made no progress")
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)
            kills += 1
        }
        #expect(try store.outboxCounts().pending > 0, "the kills should have left work behind")

        let last = try Self.launch(probe, db: db, url: server.url("/hook"))
        #expect(waitUntil(timeout: 60, every: 0.01) { !last.isRunning })
        if last.isRunning { kill(last.processIdentifier, SIGKILL) }
        last.waitUntilExit()
        #expect(last.terminationStatus == 0)

        let expected = Set(batch.map(\.0.id))
        let received = log.ids
        #expect(Set(received) == expected, "an alert was lost")
        #expect(received.count - expected.count <= kills, "more repeats than in-flight requests at the kills")
        #expect(try store.outboxCounts() == OutboxCounts(pending: 0, delivered: 40, dead: 0))
        // Every request was signed, so a receiver can verify and deduplicate by webhook-id.
        let signer = try WebhookSigner(secret: HTTPSinkKind.signingSecret)
        for request in server.requests {
            let id = request.header("webhook-id") ?? "", stamp = Int(request.header("webhook-timestamp") ?? "") ?? 0
            #expect(signer.signature(id: id, timestamp: stamp, body: request.body) == request.header("webhook-signature"))
        }
    }
}

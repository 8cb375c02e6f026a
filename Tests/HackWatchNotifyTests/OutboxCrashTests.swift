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
        try spawn(process)
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

    /// Trials for the soak: 20 in `make test`, `HACKWATCH_SOAK_TRIALS` (`make soak`) for more.
    static var soakTrials: Int {
        Int(ProcessInfo.processInfo.environment["HACKWATCH_SOAK_TRIALS"] ?? "") ?? 20
    }

    /// Many kill -9 trials, each on a fresh outbox killed once or twice at a seeded moment and
    /// then run to completion: 0 lost, at most one re-send per kill (one sink), figures printed.
    @Test func killNineSoakLosesNothingAndResendsAtMostOnePerKill() throws {
        let probe = try #require(Self.probePath, "hackwatch-outbox-probe is not built (swift build builds it)")
        var random = SplitMix64(seed: 0x13)
        var totals = (trials: 0, kills: 0, alerts: 0, received: 0, resends: 0, lost: 0, worstResendsPerKill: 0)
        let started = Date()
        for trial in 0..<Self.soakTrials {
            let log = AcceptLog()
            let server = try LoopbackHTTPServer { request in
                _ = log.next()
                log.accept(request)
                return .delayed(seconds: 0.003, then: .text("ok"))
            }
            defer { server.stop() }
            let folder = try makeTemporaryDirectory("hackwatch-soak")
            defer { try? FileManager.default.removeItem(at: folder) }
            let db = StateStore.path(stateDir: folder.path)
            let store = try StateStore(path: db)
            defer { store.close() }
            let count = 24
            let batch = (0..<count).map { (NotifyFixtures.alert("soak-\(trial)-\($0)"), ["hook"]) }
            _ = try store.recordFiring(batch)
            var kills = 0
            for _ in 0..<Int.random(in: 1...2, using: &random) {
                let threshold = log.requestCount + Int.random(in: 1...(count / 2), using: &random)
                let process = try Self.launch(probe, db: db, url: server.url("/hook"))
                _ = waitUntil(timeout: 30, every: 0.001) { log.requestCount >= threshold || !process.isRunning }
                guard process.isRunning else { process.waitUntilExit(); break }
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                kills += 1
            }
            let last = try Self.launch(probe, db: db, url: server.url("/hook"))
            #expect(waitUntil(timeout: 60, every: 0.005) { !last.isRunning }, "trial \(trial): the last run did not finish")
            if last.isRunning { kill(last.processIdentifier, SIGKILL) }
            last.waitUntilExit()
            #expect(last.terminationStatus == 0)

            let expected = Set(batch.map(\.0.id))
            let received = log.ids
            let lost = expected.subtracting(received).count
            let resends = received.count - Set(received).count
            #expect(lost == 0, "trial \(trial): \(lost) alerts lost")
            #expect(resends <= kills, "trial \(trial): \(resends) re-sends for \(kills) kills")
            #expect(try store.outboxCounts() == OutboxCounts(pending: 0, delivered: count, dead: 0))
            totals.trials += 1
            totals.kills += kills
            totals.alerts += count
            totals.received += received.count
            totals.resends += resends
            totals.lost += lost
            if kills > 0 { totals.worstResendsPerKill = max(totals.worstResendsPerKill, (resends + kills - 1) / kills) }
        }
        print("kill -9 soak: \(totals.trials) trials, \(totals.kills) kills, \(totals.alerts) alerts, "
            + "\(totals.received) POSTs received, \(totals.resends) re-sends, \(totals.lost) lost, "
            + "at most \(totals.worstResendsPerKill) re-send per sink per kill, "
            + "\(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }
}

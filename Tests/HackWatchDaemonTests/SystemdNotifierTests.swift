import Foundation
import Testing
import TestSupport
@testable import HackWatchDaemon

/// The notify client against real datagram sockets the test binds.
@Suite struct SystemdNotifierTests {
    @Test(arguments: [false, true])
    func sendsEachMessageAsOneDatagram(abstract: Bool) throws {
        let dir = try makeTemporaryDirectory("hackwatch-notify")
        defer { try? FileManager.default.removeItem(at: dir) }
        let listener = try NotifySocketListener(directory: dir, abstract: abstract)
        defer { listener.close() }
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.socketName])
        #expect(notifier.isEnabled)
        #expect(notifier.ready(status: "polling 1 feed"))
        #expect(notifier.reloading())
        #expect(notifier.status("line one\nline two"))
        #expect(notifier.stopping())
        #expect(notifier.watchdog())
        _ = listener.waitFor { $0 == "WATCHDOG=1" }
        let messages = listener.messages
        try #require(messages.count == 5)
        #expect(messages[0] == "READY=1\nSTATUS=polling 1 feed")
        #expect(messages[1].hasPrefix("RELOADING=1\nMONOTONIC_USEC="))
        let usec = UInt64(messages[1].split(separator: "=").last ?? "") ?? 0
        #expect(usec > 0 && usec <= SystemdNotifier.monotonicMicroseconds())
        #expect(messages[2] == "STATUS=line one line two")
        #expect(messages[3] == "STOPPING=1")
        #expect(messages[4] == "WATCHDOG=1")
    }

    @Test(arguments: [[:], ["NOTIFY_SOCKET": ""], ["NOTIFY_SOCKET": "relative/path"]])
    func withoutUsableSocketEverySendIsANoOp(environment: [String: String]) {
        let notifier = SystemdNotifier(environment: environment)
        #expect(!notifier.isEnabled)
        #expect(!notifier.ready())
    }

    @Test func sendingToAVanishedSocketFailsQuietly() throws {
        let dir = try makeTemporaryDirectory("hackwatch-notify")
        defer { try? FileManager.default.removeItem(at: dir) }
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": dir.appendingPathComponent("gone.sock").path])
        #expect(notifier.isEnabled)
        #expect(!notifier.watchdog())
    }

    @Test(arguments: [
        (["WATCHDOG_USEC": "30000000"], 15.0),
        (["WATCHDOG_USEC": "1000000", "WATCHDOG_PID": "\(getpid())"], 0.5),
        (["WATCHDOG_USEC": "1000000", "WATCHDOG_PID": "1"], nil),
        (["WATCHDOG_USEC": "0"], nil),
        (["WATCHDOG_USEC": "abc"], nil),
        ([:], nil),
    ] as [([String: String], Double?)])
    func watchdogIntervalIsHalfOfWatchdogUsec(environment: [String: String], expected: Double?) {
        #expect(SystemdNotifier.watchdogInterval(environment: environment) == expected)
    }

    @Test func pingerSendsWatchdogRepeatedly() throws {
        let dir = try makeTemporaryDirectory("hackwatch-notify")
        defer { try? FileManager.default.removeItem(at: dir) }
        let listener = try NotifySocketListener(directory: dir, abstract: true)
        defer { listener.close() }
        let pinger = WatchdogPinger(notifier: SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.socketName]), interval: 0.05)
        pinger.start(queue: DispatchQueue(label: "test.watchdog"))
        _ = waitUntil(timeout: 10, every: 0.02) { listener.messages.count >= 3 }
        pinger.stop()
        #expect(listener.messages.count >= 3)
        #expect(Set(listener.messages) == ["WATCHDOG=1"])
    }
}

import Foundation
import Logging
import Testing
@testable import HackWatchDaemon

@Suite struct DaemonLoggingTests {
    static let date = Date(timeIntervalSince1970: 1_700_000_000)

    @Test(arguments: [
        (Logger.Level.error, "<3>feed failed feed=defillama"),
        (.warning, "<4>feed failed feed=defillama"),
        (.info, "<6>feed failed feed=defillama"),
        (.debug, "<7>feed failed feed=defillama"),
        (.critical, "<2>feed failed feed=defillama"),
    ])
    func journaldLinesCarryPriorityAndNoTimestamp(level: Logger.Level, expected: String) {
        let handler = StderrLogHandler(label: "hackwatch", levelBox: LogLevelBox(.info), journald: true)
        #expect(handler.format(level: level, message: "feed failed", metadata: ["feed": "defillama"], now: Self.date) == expected)
    }

    @Test func terminalLinesCarryTimestampLevelAndLabel() {
        let handler = StderrLogHandler(label: "hackwatch", levelBox: LogLevelBox(.info), journald: false)
        #expect(handler.format(level: .warning, message: "two\nlines", metadata: ["error": "HTTP 503 \"busy\""], now: Self.date)
            == "2023-11-14T22:13:20.000Z WARNING hackwatch: two lines error=\"HTTP 503 \\\"busy\\\"\"")
    }

    @Test func levelIsSharedAndChangeable() {
        let box = LogLevelBox(.info)
        let handler = StderrLogHandler(label: "a", levelBox: box, journald: true)
        #expect(handler.logLevel == .info)
        box.level = .debug
        #expect(handler.logLevel == .debug)
    }

    @Test(arguments: [("trace", Logger.Level.trace), ("INFO", .info), ("Warning", .warning), ("critical", .critical)])
    func parsesLevelNames(text: String, level: Logger.Level) {
        #expect(DaemonLogging.parseLevel(text) == level)
    }

    @Test func rejectsUnknownLevel() {
        #expect(DaemonLogging.parseLevel("verbose") == nil)
    }
}

@Suite struct JournalStreamTests {
    @Test func matchesOnlyTheAnnouncedDeviceAndInode() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hackwatch-journal-\(UUID().uuidString)").path
        FileManager.default.createFile(atPath: path, contents: nil)
        defer { unlink(path) }
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        var info = stat()
        #expect(fstat(fd, &info) == 0)
        #expect(DaemonLogging.isJournalStream("\(info.st_dev):\(info.st_ino)", fd: fd))
        #expect(!DaemonLogging.isJournalStream("\(info.st_dev):\(info.st_ino + 1)", fd: fd))
        #expect(!DaemonLogging.isJournalStream("garbage", fd: fd))
        #expect(!DaemonLogging.isJournalStream(nil, fd: fd))
    }
}

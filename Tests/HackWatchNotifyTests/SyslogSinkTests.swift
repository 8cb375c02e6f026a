import Foundation
import Testing
import TestSupport
import HackWatchFixtures
@testable import HackWatchConfiguration
@testable import HackWatchModel
@testable import HackWatchNotify

@Suite(.serialized) struct SyslogSinkTests {
    static func sink(_ address: String, format: String? = nil, facility: String = "local3") throws -> any Sink {
        var settings: [String: JSONValue] = ["address": .string(address), "facility": .string(facility)]
        if let format { settings["format"] = .string(format) }
        return try SinkFactory.make(SinkConfig(name: "sys", type: "syslog", settings: settings), environment: [:])
    }

    @Test(arguments: [false, true])
    func remoteRFC5424IsValidAndCarriesStructuredData(stream: Bool) throws {
        let listener = try SyslogListener(stream: stream)
        defer { listener.stop() }
        let sink = try Self.sink("\(stream ? "tcp" : "udp")://127.0.0.1:\(listener.port)")
        let alert = NotifyFixtures.alert(severity: .high, name: #"Evil"] \Name"#)
        #expect(sink.send(alert) == .delivered)
        #expect(sink.send(NotifyFixtures.alert("second", severity: .info)) == .delivered)
        let frames = listener.messages(count: 2)
        #expect(frames.count == 2)
        let message = try RFC5424Message(try #require(frames.first))
        #expect(message.priority == 19 * 8 + 3)  // local3.err
        #expect(message.appName == "hackwatch")
        #expect(message.msgID == "alert")
        #expect(message.sdID == "hackwatch@32473")
        #expect(message.params["id"] == alert.id)
        #expect(message.params["rule"] == "mega-loss")
        #expect(message.params["name"] == #"Evil"] \Name"#)  // escaped on the wire, exact after parsing
        #expect(message.params["loss"] == "624000000")
        #expect(message.params["url"] == "https://rekt.news/ronin-rekt/")
        #expect(message.message.contains("$624M stolen"))
        #expect(try RFC5424Message(frames[1]).priority == 19 * 8 + 6)
    }

    @Test func hostileTitleStaysOneInertLineWithinTheDatagramLimit() throws {
        let listener = try SyslogListener(stream: false)
        defer { listener.stop() }
        let sink = try Self.sink("udp://127.0.0.1:\(listener.port)")
        #expect(sink.send(NotifyFixtures.hostileAlert()) == .delivered)
        let frame = try #require(listener.messages(count: 1).first)
        #expect(frame.count <= 2048)
        let message = try RFC5424Message(frame)
        #expect(!message.message.contains("\n"))
        let everything = message.message + message.params.values.joined()
        #expect(NotifyFixtures.forbidden.filter { everything.contains($0) } == [])
    }

    @Test func rfc3164OverUDPWhenAsked() throws {
        let listener = try SyslogListener(stream: false)
        defer { listener.stop() }
        let sink = try Self.sink("udp://127.0.0.1:\(listener.port)", format: "rfc3164", facility: "daemon")
        #expect(sink.send(NotifyFixtures.alert(severity: .critical)) == .delivered)
        let text = String(decoding: try #require(listener.messages(count: 1).first), as: UTF8.self)
        #expect(text.hasPrefix("<26>"))  // daemon.crit
        #expect(text.range(of: #"^<26>[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \S+ hackwatch\[\d+\]: alert id="#,
                           options: .regularExpression) != nil)
    }

    @Test func unreachableTCPReceiverRetries() throws {
        let port = SyslogListener.freePort(stream: true)  // nothing listens there now
        guard case .retry(_, let reason) = try Self.sink("tcp://127.0.0.1:\(port)").send(NotifyFixtures.alert()) else {
            Issue.record("a refused connection should retry"); return
        }
        #expect(reason == "syslog tcp://127.0.0.1:\(port): Connection refused")
    }

    @Test(arguments: [
        ("udp://127.0.0.1:514", SyslogSink.Transport.udp(host: "127.0.0.1", port: 514)),
        ("tcp://[::1]:6514", SyslogSink.Transport.tcp(host: "::1", port: 6514)),
        ("TCP://logs.example.org:601", SyslogSink.Transport.tcp(host: "logs.example.org", port: 601)),
    ])
    func addresses(text: String, expected: SyslogSink.Transport) {
        #expect(SyslogSink.parseAddress(text) == expected)
    }

    @Test(arguments: ["udp://host", "http://x:1", "tcp://:514", "udp://h:0", "udp://h:70000"])
    func badAddresses(text: String) {
        #expect(SyslogSink.parseAddress(text) == nil)
    }
}

/// A real `rsyslogd -n` with its own config: local syslog(3) (when /dev/log is free), UDP and
/// TCP RFC 5424 all land in its output file, parsed by rsyslog itself.
@Suite(.serialized) struct RsyslogTests {
    static let rsyslogd = ["/usr/sbin/rsyslogd", "/sbin/rsyslogd"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(.enabled(if: rsyslogd != nil, "rsyslogd is not installed (make test installs rsyslog); skipping the real-rsyslogd test"))
    func alertsReachARealRsyslogd() throws {
        let folder = try makeTemporaryDirectory("hackwatch-rsyslog")
        defer { try? FileManager.default.removeItem(at: folder) }
        let udpPort = SyslogListener.freePort(stream: false), tcpPort = SyslogListener.freePort(stream: true)
        let output = folder.appendingPathComponent("out.log").path
        // Local delivery needs rsyslogd on /dev/log; only take it when nothing else owns it.
        let takeDevLog = !FileManager.default.fileExists(atPath: "/dev/log") && access("/dev", W_OK) == 0
        let config = """
            global(workDirectory="\(folder.path)")
            module(load="imudp")
            module(load="imtcp")
            module(load="imuxsock" SysSock.Use="off")
            \(takeDevLog ? #"input(type="imuxsock" Socket="/dev/log")"# : "")
            input(type="imudp" address="127.0.0.1" port="\(udpPort)")
            input(type="imtcp" address="127.0.0.1" port="\(tcpPort)")
            template(name="fmt" type="string" string="%syslogfacility-text%.%syslogseverity-text% app=%app-name% msgid=%msgid% sd=%structured-data% msg=%msg%\\n")
            *.* action(type="omfile" file="\(output)" template="fmt")
            """
        let configPath = folder.appendingPathComponent("rsyslog.conf").path
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.rsyslogd))
        process.arguments = ["-n", "-f", configPath, "-i", folder.appendingPathComponent("pid").path]
        process.standardInput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try spawn(process)
        defer {
            // rsyslogd may take its time over SIGTERM; the test does not wait for that.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            if takeDevLog { unlink("/dev/log") }
        }
        // Wait until rsyslogd listens (TCP connect succeeds).
        let end = Date().addingTimeInterval(10)
        while SyslogSocket.send([], host: "127.0.0.1", port: tcpPort, stream: true) != .delivered, Date() < end {
            Thread.sleep(forTimeInterval: 0.05)
        }
        let udp = try SyslogSinkTests.sink("udp://127.0.0.1:\(udpPort)")
        let tcp = try SyslogSinkTests.sink("tcp://127.0.0.1:\(tcpPort)")
        #expect(udp.send(NotifyFixtures.alert("via-udp", name: "UDP Hack")) == .delivered)
        #expect(tcp.send(NotifyFixtures.alert("via-tcp", name: #"TCP "Hack"]"#)) == .delivered)
        var expected = ["UDP Hack", #"TCP \"Hack\"\]"#]
        if takeDevLog {
            while !FileManager.default.fileExists(atPath: "/dev/log"), Date() < end { Thread.sleep(forTimeInterval: 0.05) }
            let local = try SinkFactory.make(SinkConfig(name: "local", type: "syslog", settings: ["facility": .string("local5")]),
                                             environment: [:])
            #expect(local.send(NotifyFixtures.alert("via-local", name: "Local Hack")) == .delivered)
            #expect(local.send(NotifyFixtures.hostileAlert()) == .delivered)
            expected += ["local5.crit app=hackwatch", "rule=any severity=high"]
        } else {
            print("note: /dev/log belongs to another syslog daemon; local delivery not checked against rsyslogd")
        }
        var text = ""
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            if expected.allSatisfy({ text.contains($0) }) { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        for needle in expected { #expect(text.contains(needle), "rsyslogd output lacks \(needle):\n\(text)") }
        #expect(text.contains("local3.crit app=hackwatch msgid=alert sd=[hackwatch@32473 id=\""))
        #expect(NotifyFixtures.forbidden.filter { text.contains($0) } == [], "hostile text reached rsyslogd")
        #expect(!text.contains("\nInjected"), "a hostile newline split a syslog message")
    }
}

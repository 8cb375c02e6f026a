import Foundation
import Testing
import TestSupport

/// `systemd/hackwatch.service` must load cleanly and stay hardened.
@Suite struct SystemdUnitTests {
    static let analyze = "/usr/bin/systemd-analyze"
    static var unit: URL { ProcessOutput.repoRoot.appendingPathComponent("systemd/hackwatch.service") }

    /// A copy of the unit whose ExecStart names an executable that exists here: `verify` checks
    /// that the binary is present, and `make install` (which puts it at /usr/local/bin) has not run.
    func installedCopy() throws -> (dir: URL, unit: URL) {
        let dir = try makeTemporaryDirectory("hackwatch-unit")
        let text = try String(contentsOf: Self.unit, encoding: .utf8)
        #expect(text.contains("ExecStart=/usr/local/bin/hackwatch run --config "))
        let copy = dir.appendingPathComponent("hackwatch.service")
        try text.replacingOccurrences(of: "/usr/local/bin/hackwatch", with: "/bin/true").write(to: copy, atomically: true, encoding: .utf8)
        return (dir, copy)
    }

    @Test func verifyPrintsNothingOnStderr() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.analyze), "systemd is in TEST_DEPS")
        let (dir, copy) = try installedCopy()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try runProcess(Self.analyze, ["verify", copy.path], cwd: dir)
        #expect(result.stderr == "", "systemd-analyze verify complained")
        #expect(result.status == 0)
    }

    @Test func securityExposureIsAtMostTwo() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.analyze), "systemd is in TEST_DEPS")
        let (dir, copy) = try installedCopy()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try runProcess(Self.analyze, ["security", "--offline=true", copy.path], cwd: dir)
        let exposure = try #require(Self.exposure(in: result.stdout + result.stderr), "no exposure line in output")
        #expect(exposure <= 2.0)
    }

    @Test(arguments: [
        "Type=notify", "ExecReload=/bin/kill -HUP $MAINPID", "DynamicUser=yes", "StateDirectory=hackwatch",
        "ConfigurationDirectory=hackwatch", "ProtectSystem=strict", "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6",
        "SystemCallFilter=@system-service", "NoNewPrivileges=yes", "LoadCredential=hackwatch:/etc/hackwatch/credentials",
        "Environment=GNUTLS_NO_IMPLICIT_INIT=1",
    ])
    func unitDeclares(_ directive: String) throws {
        let text = try String(contentsOf: Self.unit, encoding: .utf8)
        #expect(text.split(separator: "\n").contains { $0.hasPrefix(directive) })
    }

    @Test func watchdogIsSetAndAboveDefaultPollCadence() throws {
        let text = try String(contentsOf: Self.unit, encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("WatchdogSec=") })
        #expect(line == "WatchdogSec=60s")
    }

    /// "→ Overall exposure level for hackwatch.service: 1.2 OK 🙂" → 1.2
    static func exposure(in output: String) -> Double? {
        guard let line = output.split(separator: "\n").first(where: { $0.contains("Overall exposure level") }),
              let colon = line.lastIndex(of: ":") else { return nil }
        return line[line.index(after: colon)...].split(separator: " ").first.flatMap { Double($0) }
    }

    @Test func parsesExposureLine() {
        #expect(Self.exposure(in: "x\n→ Overall exposure level for hackwatch.service: 1.2 OK 🙂\n") == 1.2)
        #expect(Self.exposure(in: "nothing") == nil)
    }
}

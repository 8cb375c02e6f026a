import Foundation
import Testing
import TestSupport

/// What `make release`/`make install` ship: a binary that runs without the Swift toolchain, and
/// an install that never overwrites the admin's files and uninstalls cleanly.
@Suite(.serialized) struct InstallTests {
    /// The static build `make test` makes (`make static`); unset under a bare `swift test`.
    static let staticBinary = ProcessInfo.processInfo.environment["HACKWATCH_STATIC_BIN"].flatMap { $0.isEmpty ? nil : $0 }

    /// The toolchain folder the dynamic binary's runtime comes from: two levels above the real
    /// path of `swift` on PATH (`/opt/swift/usr/bin/swift-driver` → `/opt/swift/usr`).
    static func toolchainFolder() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/swift"
            guard FileManager.default.isExecutableFile(atPath: candidate) else { continue }
            let real = URL(fileURLWithPath: candidate).resolvingSymlinksInPath()
            return real.deletingLastPathComponent().deletingLastPathComponent().path
        }
        return nil
    }

    /// Runs `binary arguments…` in a private mount namespace with a tmpfs over `hidden`.
    static func runHiding(_ hidden: String, _ binary: String, _ arguments: [String]) throws -> ProcessResult {
        try runProcess("/usr/bin/unshare", ["-m", "/bin/sh", "-c", #"d="$1"; shift; mount -t tmpfs hackwatch-hide "$d" && exec "$@""#,
                                            "sh", hidden, binary] + arguments)
    }

    /// Why a namespace with a tmpfs cannot be made here (no unshare, no CAP_SYS_ADMIN), or nil.
    static func unshareProblem() -> String? {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else { return "no /usr/bin/unshare" }
        guard let probe = try? runProcess("/usr/bin/unshare", ["-m", "/bin/sh", "-c", "mount -t tmpfs none /mnt"]) else {
            return "unshare cannot run"
        }
        return probe.status == 0 ? nil : "unshare -m + mount failed: \(probe.stderr.trimmingCharacters(in: .whitespacesAndNewlines))"
    }

    /// The installed binary runs where no Swift toolchain is: `--help` and `check` succeed with
    /// the toolchain folder hidden; the dynamically linked debug build (control) cannot start.
    @Test(.enabled(if: staticBinary != nil, "HACKWATCH_STATIC_BIN is set by make test (make static)"))
    func staticBinaryRunsWithTheToolchainHidden() throws {
        if let problem = Self.unshareProblem() {
            print("skipped staticBinaryRunsWithTheToolchainHidden: \(problem)")
            return
        }
        let binary = try #require(Self.staticBinary)
        let toolchain = try #require(Self.toolchainFolder(), "no swift on PATH to hide")
        let control = try Self.runHiding(toolchain, Binary.path, ["--help"])
        #expect(control.status == 127, "the dynamic build should need \(toolchain): \(control.stderr)")

        let help = try Self.runHiding(toolchain, binary, ["--help"])
        #expect(help.status == 0, "\(help.stderr)")
        #expect(help.stdout.contains("EXIT STATUS"))
        let dir = try makeTemporaryDirectory("hackwatch-static")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("rules"), withIntermediateDirectories: true)
        try "rule big {\n    when loss > $100M and chains contains \"ethereum\"\n}\n"
            .write(to: dir.appendingPathComponent("rules/a.rules"), atomically: true, encoding: .utf8)
        try #"{"feeds": [{"name": "f", "url": "file:///nonexistent.json", "interval": "5m"}], "sinks": [{"name": "out", "type": "stdout", "default": true}]}"#
            .write(to: dir.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        let check = try Self.runHiding(toolchain, binary, ["check", "-c", dir.appendingPathComponent("config.json").path])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.hasSuffix("OK — 1 feeds, 1 sinks, 1 rules\n"), "\(check.stdout)")
    }

    /// `make install` into a DESTDIR: files and modes; an edited rules file and config survive a
    /// second install; `make uninstall` removes what install put and keeps /etc/hackwatch.
    @Test func installKeepsEditedFilesAndUninstallRemovesTheRest() throws {
        let dest = try makeTemporaryDirectory("hackwatch-destdir")
        defer { try? FileManager.default.removeItem(at: dest) }
        func make(_ target: String) throws -> ProcessResult {
            let result = try runProcess("/usr/bin/make", ["-s", "-C", Binary.repoRoot.path, target, "DESTDIR=\(dest.path)",
                                                          "INSTALL_BIN=\(Self.staticBinary ?? Binary.path)"])
            #expect(result.status == 0, "make \(target): \(result.stderr)")
            return result
        }
        func mode(_ path: String) -> Int? {
            (try? FileManager.default.attributesOfItem(atPath: dest.path + path)[.posixPermissions]) as? Int
        }
        let installed: [(String, Int)] = [
            ("/usr/local/bin/hackwatch", 0o755),
            ("/etc/systemd/system/hackwatch.service", 0o644),
            ("/usr/local/share/man/man1/hackwatch.1", 0o644),
            ("/usr/local/share/bash-completion/completions/hackwatch", 0o644),
            ("/usr/local/share/zsh/site-functions/_hackwatch", 0o644),
            ("/usr/local/share/fish/vendor_completions.d/hackwatch.fish", 0o644),
            ("/usr/local/share/hackwatch/rules/default.rules", 0o644),
            ("/usr/local/share/hackwatch/config.example.json", 0o644),
        ]
        let kept: [(String, Int)] = [
            ("/etc/hackwatch/config.json", 0o644),
            ("/etc/hackwatch/rules/default.rules", 0o644),
            ("/etc/hackwatch/credentials", 0o700),
        ]
        let first = try make("install")
        for (path, expected) in installed + kept { #expect(mode(path) == expected, "\(path)") }
        #expect(first.stdout.contains("installed \(dest.path)/etc/hackwatch/rules/default.rules"), "\(first.stdout)")
        let unit = try String(contentsOfFile: dest.path + "/etc/systemd/system/hackwatch.service", encoding: .utf8)
        #expect(unit.contains("ExecStart=/usr/local/bin/hackwatch run --config /etc/hackwatch/config.json"))
        let bash = try String(contentsOfFile: dest.path + "/usr/local/share/bash-completion/completions/hackwatch", encoding: .utf8)
        #expect(bash.contains("complete -o filenames -F _hackwatch hackwatch") || bash.contains("_hackwatch"), "\(bash.prefix(200))")
        #expect(bash.contains("--dry-run"))

        let rules = dest.path + "/etc/hackwatch/rules/default.rules"
        let config = dest.path + "/etc/hackwatch/config.json"
        let editedRules = "rule mine {\n    when loss > $1B\n}\n"
        try editedRules.write(toFile: rules, atomically: true, encoding: .utf8)
        try #"{"feeds": []}"#.write(toFile: config, atomically: true, encoding: .utf8)
        let second = try make("install")
        #expect(try String(contentsOfFile: rules, encoding: .utf8) == editedRules)
        #expect(try String(contentsOfFile: config, encoding: .utf8) == #"{"feeds": []}"#)
        #expect(second.stdout.contains("kept \(rules) (edited); the shipped version is /usr/local/share/hackwatch/rules/default.rules"),
                "\(second.stdout)")
        let shipped = try String(contentsOfFile: Binary.repoRoot.appendingPathComponent("rules/default.rules").path, encoding: .utf8)
        #expect(try String(contentsOfFile: dest.path + "/usr/local/share/hackwatch/rules/default.rules", encoding: .utf8) == shipped)

        let removed = try make("uninstall")
        for (path, _) in installed { #expect(!FileManager.default.fileExists(atPath: dest.path + path), "\(path) left behind") }
        #expect(!FileManager.default.fileExists(atPath: dest.path + "/usr/local/share/hackwatch"))
        for (path, expected) in kept { #expect(mode(path) == expected, "\(path) should be kept") }
        #expect(try String(contentsOfFile: rules, encoding: .utf8) == editedRules)
        #expect(removed.stdout.contains("kept \(dest.path)/etc/hackwatch (config, rules, credentials) and /var/lib/hackwatch (state)"),
                "\(removed.stdout)")
    }

    /// The committed man page (`make man`) describes the commands as they are now.
    @Test func manPageIsCurrent() throws {
        let page = try String(contentsOf: Binary.repoRoot.appendingPathComponent("man/hackwatch.1"), encoding: .utf8)
        let help = try Binary.run(["--help"])
        for command in ["run", "once", "check", "test", "replay", "status"] {
            #expect(page.contains(".It Em \(command)\n"), "man page lacks \(command)")
        }
        for line in ["EXIT STATUS", "SIGHUP", "HACKWATCH_LOG_LEVEL", "CREDENTIALS_DIRECTORY"] {
            #expect(help.stdout.contains(line) && page.contains(line), "\(line)")
        }
        let once = try Binary.run(["once", "--help"])
        let firstSentence = try #require(once.stdout.components(separatedBy: "\n\n").dropFirst().first)
        #expect(page.contains(firstSentence.replacingOccurrences(of: "\n", with: " ")), "make man: the page is older than once --help")
        #expect(!page.contains("\n\n"), "blank lines are mdoc warnings")
    }
}

/// `make deb`'s package (built here from the static debug binary, gzip for speed; `make deb`
/// itself builds from the release binary and runs lintian).
@Suite struct DebianPackageTests {
    @Test(.enabled(if: InstallTests.staticBinary != nil, "HACKWATCH_STATIC_BIN is set by make test (make static)"))
    func packageHoldsTheInstallWithConffilesAndNoSwiftDependency() throws {
        let out = try makeTemporaryDirectory("hackwatch-deb")
        defer { try? FileManager.default.removeItem(at: out) }
        var environment = ProcessInfo.processInfo.environment
        environment["DEB_COMPRESSION"] = "gzip"
        let built = try runProcess(Binary.repoRoot.appendingPathComponent("scripts/build-deb").path,
                                   [try #require(InstallTests.staticBinary), "0.1.0", out.path], environment: environment)
        #expect(built.status == 0, "\(built.stderr)")
        let deb = built.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(deb.hasPrefix(out.path + "/hackwatch_0.1.0_") && deb.hasSuffix(".deb"), "\(built.stdout)")
        let contents = try runProcess("/usr/bin/dpkg-deb", ["--contents", deb]).stdout
        for path in ["./usr/bin/hackwatch", "./usr/lib/systemd/system/hackwatch.service", "./usr/share/man/man1/hackwatch.1.gz",
                     "./usr/share/bash-completion/completions/hackwatch", "./usr/share/hackwatch/rules/default.rules",
                     "./etc/hackwatch/config.json", "./etc/hackwatch/rules/default.rules", "./usr/share/doc/hackwatch/copyright"] {
            #expect(contents.contains(" \(path)\n"), "\(path) missing")
        }
        #expect(contents.contains("-rwxr-xr-x root/root") && !contents.contains("/etc/systemd/"))
        let conffiles = try runProcess("/usr/bin/dpkg-deb", ["--info", deb, "conffiles"]).stdout
        #expect(conffiles == "/etc/hackwatch/config.json\n/etc/hackwatch/rules/default.rules\n", "\(conffiles)")
        let depends = try runProcess("/usr/bin/dpkg-deb", ["--field", deb, "Depends"]).stdout
        #expect(depends.contains("libcurl4") && depends.contains("libsqlite3-0") && depends.contains("libc6"), "\(depends)")
        #expect(!depends.lowercased().contains("swift"))
        let unit = try runProcess("/bin/sh", ["-c", "dpkg-deb --fsys-tarfile \"$0\" | tar -xOf - ./usr/lib/systemd/system/hackwatch.service", deb]).stdout
        #expect(unit.contains("ExecStart=/usr/bin/hackwatch run --config /etc/hackwatch/config.json"))
    }
}

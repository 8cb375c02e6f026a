import Foundation
import Testing
import TestSupport

@Suite struct CLITests {
    @Test func printsVersion() throws {
        let result = try Binary.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
    }

    @Test func listsEveryCommandInHelp() throws {
        let result = try Binary.run(["--help"])
        for command in ["run", "once", "check", "test", "replay", "status", "preview", "notify-test"] {
            #expect(result.stdout.contains("  \(command) "), "help lacks \(command)")
        }
    }
}

/// `--config`/`-c` and its default, and what `--help` documents.
@Suite struct ConfigOptionTests {
    /// `-c` is `--config`.
    @Test func shortOptionNamesTheConfig() throws {
        let result = try Binary.run(["check", "-c", Binary.repoRoot.appendingPathComponent("config.example.json").path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(": OK — 8 feeds, 1 sinks, "))
    }

    /// Without `--config`, /etc/hackwatch/config.json — used when it exists (here a private
    /// mount namespace with a tmpfs over /etc holds one), else a usage error naming the option.
    @Test func configDefaultsToTheInstalledFile() throws {
        if !FileManager.default.fileExists(atPath: "/etc/hackwatch/config.json") {
            for command in ["check", "once", "run", "status", "replay"] {
                let result = try Binary.run(command == "replay" ? [command, "--input", "x"] : [command])
                #expect(result.status == 64, "\(command): \(result.stderr)")
                #expect(result.stderr.contains("/etc/hackwatch/config.json (the default --config) does not exist; "
                    + "name the config with --config FILE or -c FILE"), "\(command): \(result.stderr)")
            }
        }
        if let problem = InstallTests.unshareProblem() {
            print("skipped the installed-config half of configDefaultsToTheInstalledFile: \(problem)")
            return
        }
        let script = """
            mount -t tmpfs hackwatch-etc /etc && mkdir -p /etc/hackwatch/rules && \
            printf 'rule big {\\n    when loss > $100M\\n}\\n' > /etc/hackwatch/rules/default.rules && \
            echo '{"feeds": [], "sinks": [{"name": "out", "type": "stdout", "default": true}]}' > /etc/hackwatch/config.json && \
            exec "$0" check
            """
        let result = try runProcess("/usr/bin/unshare", ["-m", "/bin/sh", "-c", script, Binary.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "/etc/hackwatch/config.json: OK — 0 feeds, 1 sinks, 1 rules\n", "\(result.stdout)")
    }

    @Test func helpDocumentsExitCodesSignalsAndEnvironment() throws {
        let help = try Binary.run(["--help"]).stdout
        for line in [
            "  2   once: deliveries still pending (the next once or run retries them)",
            "  4   once: a delivery went dead in this run (hackwatch status says why)",
            "  78  run, once: unusable config, rules file or sink secret (EX_CONFIG)",
            "  SIGHUP           reload config and rules; on an error the old ones stay",
            "  SIGTERM, SIGINT  stop polling, finish deliveries (delivery_deadline)",
            "  HACKWATCH_LOG_LEVEL    overrides log_level (trace ... critical)",
            "  CREDENTIALS_DIRECTORY  expands in url_file/secret_file (systemd)",
        ] {
            #expect(help.contains(line + "\n"), "help lacks: \(line)")
        }
        let check = try Binary.run(["check", "--help"]).stdout
        #expect(check.contains("-c, --config <file>     The config file. (default: /etc/hackwatch/config.json)"), "\(check)")
    }
}

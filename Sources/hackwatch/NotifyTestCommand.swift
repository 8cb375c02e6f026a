import ArgumentParser
import Foundation
import HackWatchDaemon
import HackWatchModel

/// `hackwatch notify-test SINK...`: a test alert through configured sinks, as falcosidekick's
/// `/test` and Alertmanager's receiver test do. Nothing is recorded.
struct NotifyTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify-test",
        abstract: "Send a clearly marked test alert (or a digest) through sinks and show what they answered.",
        discussion: """
            The alert goes through the sink's own code (escaping, limits, signing) once, or with \
            --retries N up to N more times after a transient failure. Its incident is a built-in \
            sample, or the newest one in --incident FILE, --input FILE or --feed NAME (fetched \
            now); its name starts with [TEST] and its rule is notify-test. Prints per sink \
            the outcome, the destination's status and the start of its answer (secrets and URLs \
            redacted). No state database is written (--digest only reads it): the outbox and fired alerts are untouched. \
            Exit status: 0 every sink acknowledged, 1 one failed, 78 one could not be built \
            (e.g. its url_env is unset), 64 a bad command line or an unknown sink.

            --digest NAME sends that digest's message for one period instead (the period and \
            history options as in 'preview --digest'), to the named sinks or, without any, to \
            the digest's own; it goes under a fresh notify-test-… id and is not put in the \
            outbox, so the daemon still sends the real period's digest once.
            """
    )

    @Option(name: [.customShort("c"), .long], help: ConfigFile.help) var config = ConfigFile.defaultPath
    @OptionGroup var source: IncidentInput
    @OptionGroup var digestOptions: DigestOptions
    @Option(help: "Retries after a transient failure (429, 5xx, timeout, refused), as the outbox would.") var retries = 0
    @Option(help: "The test alert's severity: info, low, medium, high or critical (default info).") var severity: String?
    @Argument(help: ArgumentHelp("The sinks to test (their names in the config; with --digest, default: the digest's).", valueName: "sink"))
    var sinks: [String] = []

    func validate() throws {
        try ConfigFile.validate(config)
        if sinks.isEmpty, !digestOptions.isGiven { throw ValidationError("name at least one sink to test (or --digest NAME: its own sinks)") }
        if severity != nil, digestOptions.isGiven { throw ValidationError("--severity is the test alert's: a digest has its own (severity in its config)") }
        if retries < 0 || retries > 10 { throw ValidationError("--retries must be between 0 and 10") }
        if let severity, Severity(rawValue: severity) == nil { throw ValidationError("--severity: expected info, low, medium, high or critical") }
    }

    func run() throws {
        if digestOptions.isGiven { return try sendDigest() }
        let decoded = try loadConfigOrExit(config)
        let incident = source.isGiven ? try source.incidents(config: decoded).first : NotifyTest.sampleIncident(now: Date())
        guard let incident else {
            printError("hackwatch: no incident in the input to send")
            throw ExitCode(1)
        }
        let status: Int32
        do {
            status = try NotifyTest.run(sinks: sinks, config: decoded, incident: incident, severity: severity.flatMap(Severity.init(rawValue:)) ?? .info,
                                        retries: retries) { print($0) }
        } catch {
            throw ValidationError("\(error)")
        }
        if status != 0 { throw ExitCode(status) }
    }

    /// `--digest`: the digest's message for the chosen period through the sinks, as a test.
    func sendDigest() throws {
        let runtime = try loadRuntimeOrExit(config)
        let rendering = try digestOptions.render(runtime: runtime, source: source)
        let names: [String]
        do {
            names = sinks.isEmpty ? try DigestPreview.sinks(rendering.plan, runtime: runtime).map(\.name) : sinks
        } catch {
            throw ValidationError("\(error)")
        }
        let digest = try rendering.alertOrExit()
        print(rendering.heading)
        let status: Int32
        do {
            status = try NotifyTest.run(sinks: names, config: runtime.config, retries: retries, print: { print($0) }) {
                NotifyTest.alert(forDigest: digest, now: Date())
            }
        } catch {
            throw ValidationError("\(error)")
        }
        if status != 0 { throw ExitCode(status) }
    }
}

import ArgumentParser
import Foundation
import HackWatchConfiguration
import HackWatchDaemon
import HackWatchModel

/// `hackwatch preview`: what each sink would be sent for an incident, as amtool's
/// `template render` shows a rendered notification. Nothing is sent or recorded.
struct Preview: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Show exactly what each sink would be sent for an incident or a digest; send nothing.",
        discussion: """
            Per sink: the request line (URL redacted), headers and the exact body after escaping and \
            truncation, with secrets redacted (syslog: the line; stdout: the JSON), then the plain \
            rendered text. The incident comes from --incident FILE, --input FILE (--format F, \
            --preset P or --feed NAME) or --feed NAME (fetched now); the newest --limit incidents \
            the rules match are shown (with --rule R, that rule's message whether it matches or \
            not). Sinks: those the rules route to, or --sink NAME, or a stand-in --type T. \
            --update shows the incident as an update, threaded where the sink threads. Nothing is \
            written to the state database; a secret that cannot be read here is shown with a stand-in.

            --digest NAME shows that digest's message for one period instead: by default the \
            latest scheduled send's (the most recent period the daemon sent or would have), \
            --period-end DATE the period ending that day, --at TIME the one a send then covers; \
            computed from the stored history (the state database, opened read-only) or from \
            --incident/--input/--feed. Sinks: the digest's (its notify, else the default sinks), \
            or each --sink NAME, or --type T.
            """
    )

    @Option(name: [.customShort("c"), .long], help: ConfigFile.help) var config = ConfigFile.defaultPath
    @OptionGroup var source: IncidentInput
    @OptionGroup var digestOptions: DigestOptions
    @Option(help: "Preview this rule's message (matching or not) instead of the rules that match.") var rule: String?
    @Option(help: ArgumentHelp("Only this configured sink (routed there or not); with --digest, repeatable.", valueName: "name"))
    var sink: [String] = []
    @Option(help: "A stand-in sink of this type (slack, discord, …) instead of the config's.") var type: String?
    @Flag(help: "Show the message as an update to an earlier alert (threaded where the sink threads).") var update = false
    @Option(help: "How many incidents to preview, newest first.") var limit = 1
    @Option(help: "Only incidents whose name contains this text (case-insensitive).") var name: String?

    func validate() throws {
        try ConfigFile.validate(config)
        if !sink.isEmpty, type != nil { throw ValidationError("give --sink NAME or --type T, not both") }
        if digestOptions.isGiven {
            if rule != nil || update || limit != 1 || name != nil {
                throw ValidationError("--rule, --update, --limit and --name choose incidents' alerts: not with --digest")
            }
            return
        }
        if sink.count > 1 { throw ValidationError("give one --sink for an incident (several with --digest)") }
        if !source.isGiven { throw ValidationError("give --incident FILE, --input FILE (--format F | --preset P | --feed NAME) or --feed NAME") }
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let runtime = try loadRuntimeOrExit(config)
        if digestOptions.isGiven { return try previewDigest(runtime: runtime) }
        let target: MessagePreview.Target = sink.first.map { .sink($0) } ?? type.map { .type($0) } ?? .routed
        var incidents = try source.incidents(config: runtime.config)
        if let name { incidents = incidents.filter { $0.name.localizedCaseInsensitiveContains(name) } }
        let now = Date()
        var shown = 0
        for incident in incidents where shown < limit {
            let alerts: [(alert: Alert, sinks: [SinkConfig])]
            do {
                alerts = try MessagePreview.alerts(for: incident, runtime: runtime, rule: rule, target: target, update: update, now: now)
            } catch {
                throw ValidationError("\(error)")
            }
            guard !alerts.isEmpty else { continue }
            shown += 1
            print(MessagePreview.heading(incident) + "\n")
            for (alert, sinks) in alerts {
                print(MessagePreview.render(alert, sinks: sinks, now: now), terminator: "")
            }
        }
        if shown == 0 {
            let what = incidents.isEmpty ? "no incidents in the input" : "no rule matches \(incidents.count == 1 ? "the incident" : "any of the \(incidents.count) incidents") or reaches a sink"
            printError("hackwatch: \(what); --rule R previews a rule's message anyway, --sink/--type pick a sink")
            throw ExitCode(1)
        }
    }

    /// `--digest`: the digest's message for the chosen period, per sink.
    func previewDigest(runtime: DaemonRuntime) throws {
        let rendering = try digestOptions.render(runtime: runtime, source: source)
        let targets: [MessagePreview.Target] = type.map { [.type($0)] } ?? sink.map { .sink($0) }
        let sinks: [SinkConfig]
        do {
            sinks = targets.isEmpty ? try DigestPreview.sinks(rendering.plan, runtime: runtime)
                : try targets.compactMap { target throws(MessagePreview.PreviewError) in try MessagePreview.sinkConfig(for: target, runtime: runtime) }
        } catch {
            throw ValidationError("\(error)")
        }
        let alert = try rendering.alertOrExit()
        print(rendering.heading + "\n")
        print(MessagePreview.render(alert, sinks: sinks, now: rendering.sentAt), terminator: "")
    }
}

import ArgumentParser
import Foundation
import HackWatchConfiguration
import HackWatchDaemon
import HackWatchModel
import HackWatchStats
import HackWatchStore

/// `--digest NAME [--period-end DAY | --at TIME]` of `preview` and `notify-test`: a digest's
/// message for one period, from the stored history (opened read-only) or the incidents of
/// `--incident`/`--input`/`--feed`. Nothing is recorded: the daemon still sends that period once.
struct DigestOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A digest of the config: its message instead of an incident's.", valueName: "name"))
    var digest: String?

    @Option(name: .customLong("period-end"),
            help: ArgumentHelp("With --digest: the period ending this day (YYYY-MM-DD, UTC; the date of digest:NAME:DATE).", valueName: "date"))
    var periodEnd: String?

    @Option(help: ArgumentHelp("With --digest: the period a send at this time covers (default: now, i.e. the latest scheduled send).",
                               valueName: "time"))
    var at: String?

    /// Whether a digest is asked for.
    var isGiven: Bool { digest != nil }

    func validate() throws {
        if digest == nil, periodEnd != nil || at != nil { throw ValidationError("--period-end and --at choose a digest's period: give --digest NAME") }
        if periodEnd != nil, at != nil { throw ValidationError("give --period-end or --at, not both") }
        if let periodEnd, Incident.parseDate(periodEnd) == nil {
            throw ValidationError("--period-end: expected a date like 2026-11-29, got '\(periodEnd)'")
        }
        if let at, Incident.parseDate(at) == nil {
            throw ValidationError("--at: expected a date or time like 2026-11-30T09:00:00Z, got '\(at)'")
        }
    }

    /// A digest's message for the chosen period (`alert` nil: empty period and `skip_empty`).
    struct Rendering {
        var plan: DigestPlan
        var period: StatsPeriod
        var sentAt: Date
        var alert: Alert?
        /// What the history came from, for the heading.
        var history: String

        /// `digest weekly (2026-11-23..2026-11-29, sent …; history: …)`.
        var heading: String { DigestPreview.heading(plan, period: period, sentAt: sentAt, history: history) }

        /// The alert, or the "sends nothing" message on stderr and exit status 1.
        func alertOrExit() throws -> Alert {
            guard let alert else {
                printError("hackwatch: digest '\(plan.config.name)' sends nothing for \(period.label): no incidents, and it has skip_empty")
                throw ExitCode(1)
            }
            return alert
        }
    }

    /// The digest's message: unknown names and periods are usage errors (64), a missing or
    /// unreadable state database exit status 1.
    func render(runtime: DaemonRuntime, source: IncidentInput) throws -> Rendering {
        let choice: DigestPreview.PeriodChoice = periodEnd.flatMap(Incident.parseDate).map { .periodEnd($0) }
            ?? .at(at.flatMap(Incident.parseDate) ?? Date())
        let plan: DigestPlan
        let period: (period: StatsPeriod, sentAt: Date)
        do {
            plan = try DigestPreview.plan(digest ?? "", runtime: runtime)
            period = try DigestPreview.period(plan, choice: choice, zone: runtime.config.timeZone)
        } catch {
            throw ValidationError("\(error)")
        }
        if source.isGiven {
            let history = try source.incidents(config: runtime.config)
            let label = source.incident ?? source.input ?? "feed \(source.feed ?? "")"
            return Rendering(plan: plan, period: period.period, sentAt: period.sentAt,
                             alert: DigestRunner.alert(plan, period: period.period, history: history, runtime: runtime, now: period.sentAt),
                             history: label)
        }
        let path = StateStore.path(stateDir: runtime.config.stateDir)
        let alert = try readStoredState(runtime.config) { store in
            try DigestRunner(store: store).alert(plan, period: period.period, runtime: runtime, now: period.sentAt)
        }
        return Rendering(plan: plan, period: period.period, sentAt: period.sentAt, alert: alert, history: path)
    }
}

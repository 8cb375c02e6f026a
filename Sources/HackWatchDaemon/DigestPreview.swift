import Foundation
import HackWatchConfiguration
import HackWatchModel
import HackWatchStats

/// `preview --digest` and `notify-test --digest`: which digest, which of its periods and which
/// sinks, and its message for that period — the same `DigestRunner.alert` the daemon sends,
/// computed here without the outbox or the recorded periods, so the real period's digest still
/// goes out once (README "Testing sinks and previewing messages").
package enum DigestPreview {
    /// Which period to render.
    package enum PeriodChoice: Sendable, Equatable {
        /// The period a send at this instant covers: the latest scheduled time at or before it
        /// (the default, at the current time: the most recent period the daemon sent or would have).
        case at(Date)
        /// The period whose last day is this one (the `PERIOD_END` of `digest:NAME:PERIOD_END`).
        case periodEnd(Date)
    }

    /// Why a digest cannot be rendered. Messages name what to give instead.
    package enum DigestPreviewError: Error, Equatable, CustomStringConvertible {
        /// `--digest` names no digest of the config.
        case unknownDigest(String, suggestion: String?, known: [String])
        /// `--period-end` is not the last day of one of the digest's periods.
        case noPeriodEnding(digest: String, day: Date, schedule: String, zone: String, latest: Date?)
        /// Neither the digest's `notify` nor the default sinks reach an enabled sink, and none was named.
        case noSinks(digest: String, severity: Severity)

        package var description: String {
            switch self {
            case .unknownDigest(let name, let hint, let known):
                "no digest '\(name)' in the config" + (hint.map { "; did you mean '\($0)'?" } ?? "")
                    + " (digests: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
            case .noPeriodEnding(let digest, let day, let schedule, let zone, let latest):
                "digest '\(digest)' has no period ending \(Incident.formatDay(day)) (it is sent \(schedule), \(zone))"
                    + (latest.map { "; the latest period ending by then ends \(Incident.formatDay($0))" } ?? "")
            case .noSinks(let digest, let severity):
                "digest '\(digest)' reaches no sink: no enabled sink it notifies (its notify, else the default sinks) takes severity \(severity.rawValue); name the sinks to use"
            }
        }
    }

    /// The digest named `name` (enabled or not: one can be tried before it is enabled).
    package static func plan(_ name: String, runtime: DaemonRuntime) throws(DigestPreviewError) -> DigestPlan {
        guard let plan = runtime.digests.first(where: { $0.config.name == name }) else {
            let known = runtime.digests.map(\.config.name)
            throw .unknownDigest(name, suggestion: Suggest.nearest(name, in: known, within: 2), known: known)
        }
        return plan
    }

    /// The zone's name as the config writes it (Foundation on Linux calls `UTC` `GMT`).
    static func zoneName(_ zone: TimeZone) -> String { zone.identifier == "GMT" ? "UTC" : zone.identifier }

    /// The period `choice` names and the scheduled send that covers it (the message's time).
    package static func period(_ plan: DigestPlan, choice: PeriodChoice, zone: TimeZone) throws(DigestPreviewError) -> (period: StatsPeriod, sentAt: Date) {
        let schedule = plan.config.schedule
        switch choice {
        case .at(let instant):
            // `latest` finds a send within 8 days back, whatever the schedule; nil only at the calendar's edge.
            guard let sent = schedule.latest(atOrBefore: instant, in: zone), let period = plan.period(for: sent) else {
                throw .noPeriodEnding(digest: plan.config.name, day: instant, schedule: "\(schedule)", zone: zoneName(zone), latest: nil)
            }
            return (period, sent)
        case .periodEnd(let day):
            // A period ends the UTC day before its send: the send is the latest one by the end of the next day.
            let last = StatsCalendar.day(day)
            let byNextDayEnd = last.addingTimeInterval(2 * 86_400 - 1)
            let sent = schedule.latest(atOrBefore: byNextDayEnd, in: zone)
            let period = sent.flatMap(plan.period(for:))
            guard let sent, let period, period.until == last else {
                throw .noPeriodEnding(digest: plan.config.name, day: last, schedule: "\(schedule)", zone: zoneName(zone),
                                      latest: period?.until)
            }
            return (period, sent)
        }
    }

    /// Where the daemon sends the digest (its `notify` or the default sinks, enabled,
    /// `min_severity` met): the sinks used when none is named.
    package static func sinks(_ plan: DigestPlan, runtime: DaemonRuntime) throws(DigestPreviewError) -> [SinkConfig] {
        let routed = runtime.destinations(notify: plan.config.notify, severity: plan.config.severity).compactMap { runtime.sinkConfigs[$0] }
        guard !routed.isEmpty else { throw .noSinks(digest: plan.config.name, severity: plan.config.severity) }
        return routed
    }

    /// `digest weekly (2026-11-23..2026-11-29, sent 2026-11-30T09:00:00Z; history: the state database)`.
    package static func heading(_ plan: DigestPlan, period: StatsPeriod, sentAt: Date, history: String) -> String {
        "digest \(plan.config.name) (\(period.label), sent \(Incident.formatDate(sentAt)); history: \(history))"
    }
}

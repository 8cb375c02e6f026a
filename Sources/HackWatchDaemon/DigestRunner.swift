import Foundation
import HackWatchFeeds
import HackWatchModel
import HackWatchStats
import HackWatchStore

/// Sends each digest once per period through the outbox (README "Digests").
///
/// At each tick the digest's latest scheduled time at or before `now` (in the config's
/// `time_zone`) is its due period. A digest never recorded before records that period silently
/// (the first message is at the next scheduled time); one whose recorded period is older sends
/// the due period once — after downtime, only the latest missed period, not one per missed week.
/// Exactly once: the id `digest:NAME:PERIOD_END` goes through `recordFiring` before the period
/// is recorded as done.
package struct DigestRunner: Sendable {
    package let store: any StateStoring

    package init(store: any StateStoring) { self.store = store }

    /// One tick at `now`; returns the digests newly put in the outbox.
    package func run(runtime: DaemonRuntime, now: Date = Date()) throws(StoreError) -> [Alert] {
        var sent: [Alert] = []
        for plan in runtime.digests where plan.config.enabled {
            guard let scheduled = plan.config.schedule.latest(atOrBefore: now, in: runtime.config.timeZone),
                  let period = plan.period(for: scheduled) else { continue }
            guard let done = try store.digestPeriodEnd(plan.config.name) else {
                try store.saveDigestPeriodEnd(plan.config.name, end: scheduled)
                continue
            }
            guard done < scheduled else { continue }
            if let alert = try alert(plan, period: period, runtime: runtime, now: now) {
                let sinks = runtime.destinations(notify: plan.config.notify, severity: plan.config.severity)
                if !sinks.isEmpty { sent += try store.recordFiring([(alert, sinks)]) }
            }
            try store.saveDigestPeriodEnd(plan.config.name, end: scheduled)
        }
        return sent
    }

    /// The digest of `period` (nil: empty and `skip_empty`) from the stored history.
    package func alert(_ plan: DigestPlan, period: StatsPeriod, runtime: DaemonRuntime, now: Date) throws(StoreError) -> Alert? {
        Self.alert(plan, period: period, history: try store.incidents(since: Self.historyStart(plan, period: period)),
                   runtime: runtime, now: now)
    }

    /// The first day of history `period`'s digest reads (its comparison's, when it compares).
    package static func historyStart(_ plan: DigestPlan, period: StatsPeriod) -> Date {
        plan.compare.map { period.shifted(back: $0).since } ?? period.since
    }

    /// The digest of `period` over `history` (stored or from a file: `notify-test`/`preview
    /// --digest` render it the same way), each hack once after correlation.
    package static func alert(_ plan: DigestPlan, period: StatsPeriod, history: [Incident], runtime: DaemonRuntime, now: Date) -> Alert? {
        let canonical = CanonicalIncidents.canonical(history, correlator: Correlator(window: runtime.config.correlationWindow))
        let asOf = period.end
        var filter: (@Sendable (Incident) -> Bool)?
        if let over = plan.over { filter = { over.matches($0, now: asOf) } }
        let query = StatsQuery(period: period, filter: filter, grouping: plan.grouping, compare: plan.compare, top: plan.config.top)
        let report = StatsReport.make(query, incidents: canonical)
        return DigestMessage.alert(digest: plan.config.name, report: report, severity: plan.config.severity,
                                   skipEmpty: plan.config.skipEmpty, now: now)
    }
}

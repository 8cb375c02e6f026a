import Foundation
import HackWatchModel

/// What the rest of hackwatch needs of its durable state: seen incidents, per-feed poll state,
/// fired (incident, rule) pairs and the delivery outbox.
///
/// The pipeline, the outbox worker, `status` and the metrics see the store only through this
/// protocol, so a second backend (a shared PostgreSQL database for two instances) implements it
/// beside `StateStore`, today's SQLite file. Implementations are thread-safe and keep the
/// outbox guarantee: `recordFiring` writes fired pairs and outbox rows in one transaction.
package protocol StateStoring: AnyObject, Sendable {
    /// Releases the backend; later calls fail with `StoreError`.
    func close()

    // MARK: Feeds

    /// The stored poll state of `feed`, if it was ever polled.
    func feedState(_ feed: String) throws(StoreError) -> FeedState?
    /// Every feed's poll state, by name.
    func allFeedStates() throws(StoreError) -> [FeedState]
    /// Inserts or replaces a feed's poll state.
    func saveFeedState(_ state: FeedState) throws(StoreError)

    // MARK: Incidents

    /// The stored incident with this source and id.
    func incident(source: String, id: String) throws(StoreError) -> Incident?
    /// Incidents dated at or after `since` (undated ones excluded).
    func incidents(since: Date) throws(StoreError) -> [Incident]
    /// As `incidents(since:)`, without `source`'s own incidents: a feed's correlation
    /// candidates are other feeds' reports, and reading (decoding) its own was most of a
    /// changed re-poll's cost.
    func incidents(since: Date, excludingSource source: String) throws(StoreError) -> [Incident]
    /// Inserts or replaces an incident.
    func saveIncident(_ incident: Incident) throws(StoreError)
    /// Inserts or replaces several incidents, in one transaction where the backend has them.
    func saveIncidents(_ incidents: [Incident]) throws(StoreError)
    /// As `saveIncidents(_:)`, storing `contentHashes[id]` with each incident of `source` listed
    /// there (others keep their stored hash).
    func saveIncidents(_ incidents: [Incident], contentHashes: [String: Int64], of source: String) throws(StoreError)
    /// Ids of `source`'s stored incidents and their content hashes (nil where none is stored).
    func incidentHashes(source: String) throws(StoreError) -> [String: Int64?]
    /// How many incidents are stored.
    func incidentCount() throws(StoreError) -> Int

    // MARK: Outbox

    /// Records fired alerts and one outbox row per sink in one transaction; returns those newly
    /// recorded (pairs that fired before are skipped).
    func recordFiring(_ alerts: [(alert: Alert, sinks: [String])]) throws(StoreError) -> [Alert]
    /// The story of an alerted incident (`Alert.story`), if its first alert was recorded.
    func story(_ story: String) throws(StoreError) -> StoryState?
    /// Records story messages, their fired pairs and outbox rows in one transaction; returns the
    /// alerts recorded (a revision that is not its story's next one is skipped).
    func recordStories(_ firings: [StoryFiring]) throws(StoreError) -> [Alert]
    /// Marks a delivery acknowledged and keeps the message reference (thread anchor) its
    /// destination returned, in one transaction.
    func markDelivered(_ id: Int64, story: String, sink: String, reference: String?) throws(StoreError)
    /// The reference `sink` returned for `story`'s first message, and whether it is pending.
    func threadAnchor(story: String, sink: String) throws(StoreError) -> ThreadAnchor
    /// Whether the (incident, rule) pair behind `alertID` ever fired.
    func hasFired(alertID: String) throws(StoreError) -> Bool
    /// How many (incident, rule) pairs fired.
    func firedCount() throws(StoreError) -> Int
    /// Pending deliveries due at `now`, in firing order, with ids above `afterID`.
    func dueDeliveries(now: Date, afterID: Int64, limit: Int) throws(StoreError) -> [Delivery]
    /// Pending deliveries, due or not.
    func pendingDeliveries(limit: Int) throws(StoreError) -> [Delivery]
    /// Deliveries given up, newest first.
    func deadDeliveries(limit: Int) throws(StoreError) -> [Delivery]
    /// Per sink, the earliest next attempt of its pending deliveries.
    func pendingSchedule() throws(StoreError) -> [String: Date]
    /// Marks a delivery acknowledged by its destination.
    func markDelivered(_ id: Int64) throws(StoreError)
    /// Reschedules a delivery after a transient failure.
    func scheduleRetry(_ id: Int64, attempts: Int, next: Date, error: String) throws(StoreError)
    /// Gives a delivery up, with the reason.
    func markDead(_ id: Int64, error: String) throws(StoreError)
    /// Pending, delivered and dead counts.
    func outboxCounts() throws(StoreError) -> OutboxCounts
    /// Deletes delivered rows older than `date`; returns how many.
    func pruneDelivered(before date: Date) throws(StoreError) -> Int
    /// The newest outbox rows (any state, or only `status`), newest first (HTTP API, status page).
    func recentOutbox(status: String?, limit: Int) throws(StoreError) -> [OutboxEntry]

    // MARK: Silences and mute windows (README "Silences and mute windows")

    /// Stores a new silence (`hackwatch silence add`; a running daemon reads it at its next drain).
    func addSilence(_ silence: StoredSilence) throws(StoreError)
    /// Silences active at `now`, or with `includeExpired` every one ever added; newest first.
    func silences(activeAt now: Date, includeExpired: Bool) throws(StoreError) -> [StoredSilence]
    /// Ends silence `id` at `now`; with `release`, the deliveries it silenced become pending again
    /// (due at once). Returns how many were released.
    func expireSilence(_ id: String, at now: Date, release: Bool) throws(StoreError) -> Int
    /// Records a pending delivery as silenced by `silence` (a silence id or `window:NAME`): kept,
    /// never sent.
    func markSilenced(_ id: Int64, silence: String) throws(StoreError)
    /// Holds a pending delivery until `until`, the end of hold window `window`.
    func markHeld(_ id: Int64, until: Date, window: String) throws(StoreError)
    /// Held deliveries due by `now` become pending; returns how many.
    @discardableResult
    func releaseHeld(now: Date) throws(StoreError) -> Int
    /// Per sink with outbox rows: counts by state and the newest recorded error (`status`).
    func sinkOutboxSummaries() throws(StoreError) -> [SinkOutboxSummary]

    // MARK: Aggregates and digests (schema 6)

    /// The stored edge-trigger state of aggregate `name`.
    func aggregateState(_ name: String) throws(StoreError) -> AggregateState?
    /// Replaces an aggregate's state and records its new episodes, in one transaction.
    func saveAggregateState(_ state: AggregateState, episodes: [AggregateEpisode]) throws(StoreError)
    /// Recorded episodes, newest first (`aggregate` nil: every aggregate's).
    func aggregateEpisodes(aggregate: String?, limit: Int) throws(StoreError) -> [AggregateEpisode]
    /// The end of the last period digest `name` was done for.
    func digestPeriodEnd(_ name: String) throws(StoreError) -> Date?
    /// Records digest `name` as done up to `end`.
    func saveDigestPeriodEnd(_ name: String, end: Date) throws(StoreError)
}

extension StateStoring {
    /// Pending deliveries due at `now`, in firing order, from the first.
    package func dueDeliveries(now: Date, limit: Int) throws(StoreError) -> [Delivery] {
        try dueDeliveries(now: now, afterID: 0, limit: limit)
    }
}

extension StateStore: StateStoring {}

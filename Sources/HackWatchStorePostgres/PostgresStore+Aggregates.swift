import Foundation
import HackWatchStore

/// Aggregate rules and digests are not on the PostgreSQL store yet: no state is stored there
/// (reads answer empty) and the calls that would record an episode or a digest period throw
/// `.unsupported`, so an aggregate or digest configured with `store.postgres` logs that error
/// and sends nothing rather than firing again on every evaluation.
extension PostgresStore {
    private static let backend = "PostgreSQL"

    /// No aggregate state is stored here.
    package func aggregateState(_ name: String) throws(StoreError) -> AggregateState? { nil }

    /// Not supported yet.
    package func saveAggregateState(_ state: AggregateState, episodes: [AggregateEpisode]) throws(StoreError) {
        throw .unsupported(operation: "aggregate rules", backend: Self.backend)
    }

    /// No episodes are stored here.
    package func aggregateEpisodes(aggregate: String?, limit: Int) throws(StoreError) -> [AggregateEpisode] { [] }

    /// No digest period is stored here.
    package func digestPeriodEnd(_ name: String) throws(StoreError) -> Date? { nil }

    /// Not supported yet.
    package func saveDigestPeriodEnd(_ name: String, end: Date) throws(StoreError) {
        throw .unsupported(operation: "digests", backend: Self.backend)
    }
}

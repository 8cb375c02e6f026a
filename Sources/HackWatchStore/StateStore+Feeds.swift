import Foundation
import HackWatchModel

extension StateStore {
    /// The remembered state of `feed`, or nil before its first poll.
    package func feedState(_ feed: String) throws(StoreError) -> FeedState? {
        try locked { () throws(StoreError) in
            var state: FeedState?
            try db.query("\(Self.feedColumns) WHERE feed = ?", [.text(feed)]) { row in state = Self.feedState(row) }
            return state
        }
    }

    /// Every feed's state, by name.
    package func allFeedStates() throws(StoreError) -> [FeedState] {
        try locked { () throws(StoreError) in
            var states: [FeedState] = []
            try db.query("\(Self.feedColumns) ORDER BY feed") { row in states.append(Self.feedState(row)) }
            return states
        }
    }

    /// Inserts or replaces the state of `state.feed`.
    package func saveFeedState(_ state: FeedState) throws(StoreError) {
        try locked { () throws(StoreError) in
            try db.query("""
                INSERT OR REPLACE INTO feed_state (feed, etag, last_modified, first_poll_done, polls, failures,
                    consecutive_failures, last_success, last_attempt, last_error, health_alerted, body_hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(state.feed), .optional(state.validators?.etag), .optional(state.validators?.lastModified),
                      .bool(state.firstPollDone), .integer(Int64(state.polls)), .integer(Int64(state.failures)),
                      .integer(Int64(state.consecutiveFailures)), .optional(state.lastSuccess),
                      .optional(state.lastAttempt), .optional(state.lastError), .bool(state.healthAlerted),
                      .optional(state.bodyHash)])
        }
    }

    private static let feedColumns = """
        SELECT feed, etag, last_modified, first_poll_done, polls, failures, consecutive_failures,
               last_success, last_attempt, last_error, health_alerted, body_hash FROM feed_state
        """

    private static func feedState(_ row: SQLiteRow) -> FeedState {
        let validators = HTTPValidators(etag: row.string(1), lastModified: row.string(2))
        var state = FeedState(
            feed: row.string(0) ?? "", validators: validators.isEmpty ? nil : validators,
            firstPollDone: row.int(3) != 0, polls: Int(row.int(4)), failures: Int(row.int(5)),
            consecutiveFailures: Int(row.int(6)), lastSuccess: row.date(7), lastAttempt: row.date(8),
            lastError: row.string(9), healthAlerted: row.int(10) != 0)
        state.bodyHash = row.string(11)
        return state
    }
}

import Foundation
import HackWatchModel
import HackWatchStore

/// How silences are shown by `silence list` and `status` (a table, as `amtool silence query`
/// prints) and in their `--json` forms.
package enum SilenceReport {
    /// One aligned row per silence under a header; "no active silences" when there are none.
    package static func table(_ silences: [StoredSilence], now: Date, all: Bool = false) -> String {
        guard !silences.isEmpty else { return all ? "no silences" : "no active silences" }
        var rows = [["ID", "ENDS", "SINK", "CREATED BY", "MATCH", "COMMENT"]]
        for silence in silences {
            let ends = (silence.isActive(at: now) ? "" : "expired ") + timestamp(silence.endsAt)
            rows.append([silence.id, ends, silence.sink ?? "(all)", silence.createdBy, oneLine(silence.match), oneLine(silence.comment)])
        }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// `{"id", "match", "sink", "comment", "created_by", "created_at", "starts_at", "ends_at", "state"}`,
    /// dates in ISO 8601 UTC, `state` `active` or `expired`.
    package static func json(_ silence: StoredSilence, now: Date) -> JSONValue {
        .object([
            "id": .string(silence.id), "match": .string(silence.match), "sink": silence.sink.map(JSONValue.string) ?? .null,
            "comment": .string(silence.comment), "created_by": .string(silence.createdBy),
            "created_at": .string(iso(silence.createdAt)), "starts_at": .string(iso(silence.startsAt)),
            "ends_at": .string(iso(silence.endsAt)), "state": .string(silence.isActive(at: now) ? "active" : "expired"),
        ])
    }

    /// `2026-12-02 14:00 UTC`.
    static func timestamp(_ date: Date) -> String {
        let text = iso(date)  // 2026-12-02T14:00:00Z
        return String(text.prefix(10)) + " " + String(text.dropFirst(11).prefix(5)) + " UTC"
    }

    static func iso(_ date: Date) -> String { date.formatted(.iso8601) }

    /// Newlines and tabs would break the table's rows.
    private static func oneLine(_ text: String) -> String {
        text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: " ")
    }
}

import Foundation
import HackWatchFeeds
import HackWatchModel

/// The stored history as one record per hack: the store keeps every feed's own report, and a
/// report correlated into an earlier one (the canonical record, whose `sources` lists the feeds)
/// is left out, so a hack three feeds reported counts once.
package enum CanonicalIncidents {
    /// `stored` without the reports merged into another feed's record. A single-source record
    /// is merged when a record of another feed lists its feed in `sources` and is the same hack
    /// (`Correlator.match` on name, date and loss), as the pipeline judged when it merged them.
    package static func canonical(_ stored: [Incident], correlator: Correlator = Correlator()) -> [Incident] {
        // Only multi-source records absorbed others; index them by date for a window search.
        let roots = stored.filter { $0.sources.count > 1 && $0.date != nil }.sorted { $0.date! < $1.date! }
        guard !roots.isEmpty else { return stored }
        let rootDates = roots.map { $0.date!.timeIntervalSince1970 }
        return stored.filter { record in
            guard record.sources.count <= 1, let date = record.date?.timeIntervalSince1970 else { return true }
            var index = lowerBound(rootDates, date - correlator.window.seconds)
            while index < roots.count, rootDates[index] <= date + correlator.window.seconds {
                var root = roots[index]
                index += 1
                guard root.source != record.source, root.sources.contains(record.source) else { continue }
                root.sources.removeAll { $0 == record.source }  // judged on name, date and loss alone
                if correlator.match(record, among: [root]) != nil { return false }
            }
            return true
        }
    }

    /// The first index whose value is at least `value` in the sorted `values`.
    static func lowerBound(_ values: [Double], _ value: Double) -> Int {
        var low = 0, high = values.count
        while low < high {
            let mid = (low + high) / 2
            if values[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low
    }
}

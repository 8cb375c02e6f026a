import Foundation
import HackWatch

/// Figures for the Feeds area (filled by that area's issue).
func benchFeeds(_ report: inout BenchReport) {
    report.note("no Feeds benchmarks yet")
}

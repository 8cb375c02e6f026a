import Foundation
import HackWatch

/// Figures for the Notify area (filled by that area's issue).
func benchNotify(_ report: inout BenchReport) {
    report.note("no Notify benchmarks yet")
}

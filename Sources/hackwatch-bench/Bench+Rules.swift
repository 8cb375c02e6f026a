import Foundation
import HackWatch

/// Figures for the Rules area (filled by that area's issue).
func benchRules(_ report: inout BenchReport) {
    report.note("no Rules benchmarks yet")
}

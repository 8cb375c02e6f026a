import Foundation
import HackWatch

/// Figures for the HTTP area (filled by that area's issue).
func benchHTTP(_ report: inout BenchReport) {
    report.note("no HTTP benchmarks yet")
}

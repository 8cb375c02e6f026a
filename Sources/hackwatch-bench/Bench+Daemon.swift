import Foundation
import HackWatch

/// Figures for the Daemon area (filled by that area's issue).
func benchDaemon(_ report: inout BenchReport) {
    report.note("no Daemon benchmarks yet")
}

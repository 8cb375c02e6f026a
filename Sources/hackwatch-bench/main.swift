// `make bench`: measures hackwatch's hot paths and writes figures to bench/results.txt.
// Each area owns one file here (Bench+Area.swift) with one function called below.
import Foundation

var outPath = "bench/results.txt"
var only: String?
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--out": outPath = arguments.next() ?? outPath
    case "--only": only = arguments.next()
    default: break
    }
}

var report = BenchReport()
let sections: [(String, (inout BenchReport) -> Void)] = [
    ("http", benchHTTP), ("rules", benchRules), ("feeds", benchFeeds), ("notify", benchNotify), ("daemon", benchDaemon), ("bigfeed", benchBigFeed), ("ingest", benchIngest),
    ("web", benchWeb), ("stats", benchStats),
]
for (name, run) in sections where only == nil || only == name {
    report.section(name)
    run(&report)
}
try report.write(to: outPath)

import CFuzzDriver
import Foundation
import HackWatchModel
import HackWatchRules

/// One fuzz input: any bytes as a rules file. Loading must never crash, must be consistent
/// (rules only without errors), and loaded rules must evaluate without crashing.
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let result = RuleLoader.load(sources: [("fuzz.rules", bytes)], sinkNames: ["chat", "syslog"])
    precondition(result.hasErrors == (result.ruleSet == nil), "inconsistent load result")
    for diagnostic in result.diagnostics {
        precondition(diagnostic.line >= 1 && diagnostic.column >= 1, "diagnostic without position")
        _ = diagnostic.rendered
    }
    if let ruleSet = result.ruleSet {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let full = Incident(id: "1", source: "f", name: "Ronin Bridge", title: "Ronin hacked", summary: "Lazarus ß Σ",
                            date: Date(timeIntervalSince1970: 1_647_993_600), loss: Money(usd: 624e6),
                            returned: Money(usd: 1), chains: ["Ethereum"], technique: "Private Key Compromised",
                            bridge: true, target: "Bridge", attribution: "Lazarus Group", tags: ["x"])
        _ = ruleSet.matches(full, now: now)
        _ = ruleSet.matches(Incident(id: "2", source: "f", name: ""), now: now)
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { fuzzOne($0, $1) })

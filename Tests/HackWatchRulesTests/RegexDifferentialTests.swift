import Foundation
import Testing
@testable import HackWatchRules
import TestSupport

/// The regex VM against a reference engine (Python's `re`, with `re.ASCII`): seeded random
/// patterns × texts whose expected answers were produced once by `scripts/regex-reference.py`
/// and are kept here as data (`RegexReferenceTable`), plus a fresh seed checked live when
/// python3 is installed (`make test` installs it).
@Suite struct RegexDifferentialTests {
    struct Case: Sendable {
        var pattern: String, flags: String, text: String, expected: Bool
    }

    static func parse(_ tsv: String) -> [Case] {
        tsv.split(separator: "\n", omittingEmptySubsequences: true).compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 4 else { return nil }
            return Case(pattern: String(fields[0]), flags: String(fields[1]), text: String(fields[2]), expected: fields[3] == "1")
        }
    }

    /// Every case where the VM disagrees with the reference (or rejects a pattern it accepted).
    static func mismatches(_ cases: [Case]) -> [String] {
        var programs: [String: RegexProgram] = [:]
        var out: [String] = []
        for item in cases {
            let key = item.flags + "/" + item.pattern
            if programs[key] == nil { programs[key] = try? RegexProgram(pattern: item.pattern, flags: item.flags) }
            guard let program = programs[key] else {
                out.append("/\(item.pattern)/\(item.flags): rejected")
                continue
            }
            if program.search(text: item.text) != item.expected {
                out.append("/\(item.pattern)/\(item.flags) on \"\(item.text)\": expected \(item.expected)")
            }
        }
        return out
    }

    @Test func storedReferenceTableAgrees() {
        let cases = Self.parse(RegexReferenceTable.tsv)
        #expect(cases.count == 4_800)
        let wrong = Self.mismatches(cases)
        #expect(wrong.isEmpty, "\(wrong.count) mismatches, first: \(wrong.prefix(10).joined(separator: "; "))")
    }

    /// `(X)?` with X a single quantified atom is optional (the group's `?` is not a lazy suffix).
    @Test(arguments: [
        ("^v(\\d+)?$", "v", true), ("^v(\\d+)?$", "v12", true), ("^(a+)?$", "", true), ("^x(?:\\s*)?y$", "xy", true),
        ("^(x{2})?y$", "y", true), ("^(x{2})?y$", "xxy", true), ("^(x{2})?y$", "xy", false), ("^(a+)??b$", "b", true),
        ("^(a*)?$", "", true), ("^a+?$", "aaa", true), ("^(a+)?b$", "aab", true),
    ])
    func optionalGroupOfQuantifiedAtom(pattern: String, text: String, expected: Bool) throws {
        #expect(try RegexProgram(pattern: pattern, flags: "").search(text: text) == expected)
    }

    /// Fresh cases from another seed, answered by python3 now (skipped when it is missing).
    @Test func freshSeedAgreesWithPython() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/regex-reference.py").path
        guard let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first(where: FileManager.default.isExecutableFile) else {
            print("RegexDifferentialTests: python3 not installed; live reference check skipped")
            return
        }
        let seed = 20_261_201
        let result = try runProcess(python, [script, "--seed", String(seed), "--patterns", "300", "--texts", "8"])
        #expect(result.status == 0, "\(result.stderr)")
        let cases = Self.parse(result.stdout)
        #expect(cases.count == 2_400)
        let wrong = Self.mismatches(cases)
        #expect(wrong.isEmpty, "seed \(seed): \(wrong.count) mismatches, first: \(wrong.prefix(10).joined(separator: "; "))")
    }
}

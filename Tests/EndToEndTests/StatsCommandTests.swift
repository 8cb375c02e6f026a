import Foundation
import Testing
import TestSupport

/// `hackwatch stats` with the real binary: the snapshot file, and the stored history of two
/// feeds reporting the same hack.
@Suite struct StatsCommandTests {
    static var snapshotPath: String? {
        guard let folder = SharedFeeds.folder?.appendingPathComponent("defillama"),
              let name = (try? FileManager.default.contentsOfDirectory(atPath: folder.path))?
                .filter({ $0.hasPrefix("api.llama.fi_hacks") && $0.hasSuffix(".json") }).sorted().last else { return nil }
        return folder.appendingPathComponent(name).path
    }

    /// (UTC day, amount, targetType) of each raw record, read with Foundation's parser.
    static func raw(_ path: String) throws -> [(day: String, amount: Double, target: String)] {
        let list = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [[String: Any]])
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.locale = Locale(identifier: "en_US_POSIX")
        return list.map { item in
            (formatter.string(from: Date(timeIntervalSince1970: (item["date"] as? NSNumber)?.doubleValue ?? 0)),
             (item["amount"] as? NSNumber)?.doubleValue ?? 0, item["targetType"] as? String ?? "(unknown)")
        }
    }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test(.enabled(if: snapshotPath != nil, "shared DefiLlama snapshot not found"))
    func jsonOverTheSnapshotPinsTheFirstSevenMonthsOf2022() throws {
        let path = try #require(Self.snapshotPath)
        let result = try Binary.run(["stats", "--input", path, "--format", "defillama", "--since", "2022-01-01",
                                     "--until", "2022-07-31", "--by", "month", "--compare", "1y", "--top", "2", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try Self.object(result.stdout)
        #expect(object["period"] as? [String: String] == ["since": "2022-01-01", "until": "2022-07-31"])
        #expect(object["count"] as? Int == 35 && object["known_loss_count"] as? Int == 35)
        #expect(object["sum_loss"] as? Int == 1_704_910_000)
        #expect(object["net_loss"] is NSNumber)
        let raw = try Self.raw(path)
        let groups = try #require(object["groups"] as? [[String: Any]])
        #expect(groups.map { $0["key"] as? String } == (1...7).map { "2022-0\($0)" })
        for group in groups {
            let key = group["key"] as! String
            let month = raw.filter { $0.day.hasPrefix(key) }
            #expect(group["count"] as? Int == month.count && (group["sum_loss"] as? NSNumber)?.doubleValue == month.map(\.amount).reduce(0, +))
        }
        let top = try #require(object["top"] as? [[String: Any]])
        #expect(top.map { $0["name"] as? String } == ["Ronin Bridge", "Portal"])
        #expect(top.first?["date"] as? String == "2022-03-23" && top.first?["loss"] as? Int == 624_000_000)
        let earlier = raw.filter { $0.day >= "2021-01-01" && $0.day <= "2021-07-31" }
        let earlierSum = earlier.map(\.amount).reduce(0, +)
        let previous = try #require(object["previous"] as? [String: Any])
        #expect(previous["count"] as? Int == earlier.count && (previous["sum_loss"] as? NSNumber)?.doubleValue == earlierSum)
        let change = try #require((object["change"] as? NSNumber)?.doubleValue)
        #expect(abs(change - (1_704_910_000 - earlierSum) / earlierSum) < 1e-9)
    }

    @Test(.enabled(if: snapshotPath != nil, "shared DefiLlama snapshot not found"))
    func csvByTargetAndTheTextReport() throws {
        let path = try #require(Self.snapshotPath)
        let csv = try Binary.run(["stats", "--input", path, "--preset", "defillama", "--since", "2022-01-01",
                                  "--until", "2022-07-31", "--by", "target", "--csv"])
        #expect(csv.status == 0, "\(csv.stderr)")
        let lines = csv.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "key,count,known_loss_count,sum_loss,net_loss,share")
        let raw = try Self.raw(path).filter { $0.day >= "2022-01-01" && $0.day <= "2022-07-31" }
        var expected: [String: (Int, Double)] = [:]
        for row in raw { expected[row.target, default: (0, 0)].0 += 1; expected[row.target, default: (0, 0)].1 += row.amount }
        #expect(lines.count == expected.count + 1)
        for line in lines.dropFirst() {
            let fields = line.split(separator: ",").map(String.init)
            let figures = try #require(expected[fields[0]], "\(line)")
            #expect(Int(fields[1]) == figures.0 && Double(fields[3]) == figures.1, "\(line)")
        }

        let text = try Binary.run(["stats", "--input", path, "--format", "defillama", "--window", "ytd", "--now", "2022-07-31T12:00:00Z",
                                   "--by", "quarter"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.hasPrefix("2022-01-01..2022-07-31 (UTC)\nincidents        35\nknown loss       35 of 35 (100%)\n"
            + "total loss       $1.7B ($1,704,910,000)\n"))
        #expect(text.stdout.contains("sources          defillama"))
        #expect(text.stdout.contains("  2022-Q1  18   $1.2B   69.6%  ██████████████████████████████"))
        #expect(text.stdout.contains("top 5 by loss\n  2022-03-23    $624M  Ronin Bridge"))
    }

    @Test func badWhereIsACompilerFormErrorAndExit1() throws {
        let dir = try makeTemporaryDirectory("hackwatch-stats")
        defer { try? FileManager.default.removeItem(at: dir) }
        let feed = dir.appendingPathComponent("feed.json")
        try Data("[]".utf8).write(to: feed)
        let result = try Binary.run(["stats", "--input", feed.path, "--format", "defillama", "--where", "loss >= \"x\""])
        #expect(result.status == 1)
        #expect(result.stderr == "--where:1:1: error: cannot compare money with string\nloss >= \"x\"\n^~~~~~~~~~~\n")
        let window = try Binary.run(["stats", "--input", feed.path, "--format", "defillama", "--window", "fortnight"])
        #expect(window.status == 64 && window.stderr.contains("--window: expected ytd, qtd, mtd or a length like 30d, 2w, 3m, 1y, got 'fortnight'"))
    }

    /// Two feeds report Ronin; `once` stores both reports (the second merged into the first), and
    /// `stats` over the store counts the hack once, naming both sources.
    @Test func storedHistoryCountsEachHackOnce() throws {
        let dir = try makeTemporaryDirectory("hackwatch-stats")
        defer { try? FileManager.default.removeItem(at: dir) }
        let now = Date().timeIntervalSince1970
        func llama(_ name: String, _ daysAgo: Double, _ loss: Double) -> String {
            "{\"name\":\"\(name)\",\"date\":\(Int(now - daysAgo * 86_400)),\"amount\":\(loss),\"chain\":[\"Ethereum\"],"
                + "\"classification\":\"Infrastructure\",\"technique\":\"Private Key Compromised\",\"bridgeHack\":true,"
                + "\"targetType\":\"Bridge\",\"returnedFunds\":null,\"source\":\"\",\"language\":null}"
        }
        let first = dir.appendingPathComponent("first.json"), second = dir.appendingPathComponent("second.json")
        try Data("[\(llama("Ronin Bridge", 3, 624e6)),\(llama("Harmony Bridge", 2, 100e6))]".utf8).write(to: first)
        try Data("[\(llama("Ronin", 1, 620e6)),\(llama("Nomad", 1, 190e6))]".utf8).write(to: second)
        let config = dir.appendingPathComponent("config.json")
        try "rule bridge { when bridge }\n".write(to: dir.appendingPathComponent("main.rules"), atomically: true, encoding: .utf8)
        try """
            {"state_dir": "state", "rules": ["main.rules"], "baseline": "30d", "correlation_window": "14d",
             "feeds": [{"name": "alpha", "url": "\(first.absoluteString)", "format": "defillama", "interval": "1h"},
                       {"name": "beta", "url": "\(second.absoluteString)", "format": "defillama", "interval": "1h"}],
             "sinks": [{"name": "out", "type": "stdout", "default": true}]}
            """.write(to: config, atomically: true, encoding: .utf8)
        let once = try Binary.run(["once", "--config", config.path])
        #expect(once.status == 0, "\(once.stderr)")
        let database = dir.appendingPathComponent("state/hackwatch.sqlite")
        let stored = try Data(contentsOf: database)
        let result = try Binary.run(["stats", "--config", config.path, "--window", "30d", "--by", "source", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Data(contentsOf: database) == stored, "stats only reads the state database")
        let object = try Self.object(result.stdout)
        #expect(object["count"] as? Int == 3, "\(result.stdout)")
        #expect(object["sum_loss"] as? Int == 914_000_000)
        #expect(object["sources"] as? [String] == ["alpha", "beta"])
        let groups = try #require(object["groups"] as? [[String: Any]])
        #expect(groups.map { "\($0["key"]!):\($0["count"]!)" } == ["beta:2", "alpha:2"])  // by loss: beta has Ronin and Nomad
    }
}

import Foundation
import HackWatchModel

extension StatsReport {
    /// The `--json` object: period, totals, groups, top, previous and change (fractions, not
    /// percents; null when there is nothing to compare with).
    package var jsonValue: JSONValue {
        func totalsObject(_ totals: StatsTotals) -> [String: JSONValue] {
            ["count": .number(Double(totals.count)), "known_loss_count": .number(Double(totals.knownLossCount)),
             "sum_loss": .number(totals.sumLoss), "net_loss": .number(totals.netLoss), "returned": .number(totals.returned)]
        }
        var object = totalsObject(totals)
        object["period"] = .object(["since": .string(Incident.formatDay(period.since)), "until": .string(Incident.formatDay(period.until))])
        object["by"] = grouping.map { .string($0.rawValue) } ?? .null
        object["sources"] = .array(sources.map(JSONValue.string))
        object["groups"] = .array(groups.map { group in
            var row = totalsObject(group.totals)
            row["key"] = .string(group.key)
            row["share"] = .number(group.share)
            return .object(row)
        })
        object["top"] = .array(top.map { incident in
            .object(["name": .string(incident.name), "date": incident.date.map { .string(Incident.formatDay($0)) } ?? .null,
                     "loss": incident.loss.map { .number($0.usd) } ?? .null, "source": .string(incident.source),
                     "id": .string(incident.id)])
        })
        if let previous {
            var earlier = totalsObject(previous.totals)
            earlier["period"] = .object(["since": .string(Incident.formatDay(previous.period.since)),
                                         "until": .string(Incident.formatDay(previous.period.until))])
            object["previous"] = .object(earlier)
        } else {
            object["previous"] = .null
        }
        object["change"] = change.map(JSONValue.number) ?? .null
        object["count_change"] = countChange.map(JSONValue.number) ?? .null
        return .object(object)
    }

    /// `--csv`: a header, then one row per group (or one `all` row without `--by`); money in
    /// whole dollars, share as a fraction.
    package var csv: String {
        var lines = ["key,count,known_loss_count,sum_loss,net_loss,share"]
        let rows = grouping == nil ? [StatsGroup(key: "all", totals: totals, share: totals.sumLoss > 0 ? 1 : 0)] : groups
        for row in rows {
            lines.append([Self.csvField(row.key), "\(row.totals.count)", "\(row.totals.knownLossCount)",
                          Self.dollars(row.totals.sumLoss, grouped: false), Self.dollars(row.totals.netLoss, grouped: false),
                          Self.fraction(row.share)].joined(separator: ","))
        }
        return lines.joined(separator: "\n")
    }

    /// The terminal report: totals with coverage and sources, the breakdown (a bar chart for
    /// periods), the top incidents and the comparison.
    package var text: String {
        var lines: [String] = []
        lines.append("\(period.label) (UTC)")
        lines.append("incidents        \(totals.count)")
        lines.append("known loss       \(Self.coverage(totals))")
        lines.append("total loss       \(Self.money(totals.sumLoss))")
        lines.append("net of returns   \(Self.money(totals.netLoss))")
        lines.append("sources          \(sources.isEmpty ? "none" : sources.joined(separator: ", "))")
        if let grouping {
            lines.append("")
            lines.append("by \(grouping.rawValue)")
            let keyWidth = max(3, groups.map(\.key.count).max() ?? 0)
            let countWidth = max(1, groups.map { String($0.totals.count).count }.max() ?? 1)
            let lossTexts = groups.map { Money(usd: $0.totals.sumLoss).human }
            let lossWidth = lossTexts.map(\.count).max() ?? 1
            let peak = groups.map(\.totals.sumLoss).max() ?? 0
            for (group, loss) in zip(groups, lossTexts) {
                var line = "  " + group.key.padding(toLength: keyWidth, withPad: " ", startingAt: 0)
                line += "  " + String(repeating: " ", count: countWidth - String(group.totals.count).count) + "\(group.totals.count)"
                line += "  " + String(repeating: " ", count: lossWidth - loss.count) + loss
                line += "  " + Self.percent(group.share).leftPadded(6)
                if grouping.isPeriod { line += "  " + Self.bar(group.totals.sumLoss, peak: peak, width: 30) }
                lines.append(line)
            }
        }
        if !top.isEmpty {
            lines.append("")
            lines.append("top \(top.count) by loss")
            for incident in top {
                let day = incident.date.map(Incident.formatDay) ?? "----------"
                lines.append("  \(day)  \((incident.loss?.human ?? "?").leftPadded(7))  \(incident.name)")
            }
        }
        if let previous {
            lines.append("")
            lines.append("compared with \(previous.period.label): \(previous.totals.count) incidents, "
                + "\(Self.money(previous.totals.sumLoss)) (\(Self.coverage(previous.totals)))")
            let lossChange = change.map(Self.signedPercent) ?? "n/a (nothing a year earlier)"
            let countText = countChange.map(Self.signedPercent) ?? "n/a"
            lines.append("change           loss \(lossChange), incidents \(countText)")
        }
        return lines.joined(separator: "\n")
    }

    /// `35 of 35 (100%)`.
    static func coverage(_ totals: StatsTotals) -> String {
        let share = totals.count > 0 ? Double(totals.knownLossCount) / Double(totals.count) : 0
        return "\(totals.knownLossCount) of \(totals.count) (\(percent(share)))"
    }

    /// `$1.7B ($1,704,910,000)`.
    static func money(_ usd: Double) -> String { "\(Money(usd: usd).human) (\(dollars(usd, grouped: true)))" }

    /// Whole dollars, `1,704,910,000` with `grouped`.
    package static func dollars(_ usd: Double, grouped: Bool) -> String {
        guard usd.isFinite, abs(usd) < 0x1p62 else { return String(usd) }
        let whole = Int64(usd.rounded())
        guard grouped else { return String(whole) }
        var digits = String(abs(whole))
        var parts: [String] = []
        while digits.count > 3 {
            parts.insert(String(digits.suffix(3)), at: 0)
            digits.removeLast(3)
        }
        parts.insert(digits, at: 0)
        return (whole < 0 ? "-$" : "$") + parts.joined(separator: ",")
    }

    /// `61.2%`.
    package static func percent(_ fraction: Double) -> String {
        let value = (fraction * 1000).rounded() / 10
        return value == value.rounded() ? "\(Int(value))%" : "\(value)%"
    }

    /// `+60.2%` or `-12%`.
    static func signedPercent(_ fraction: Double) -> String { (fraction >= 0 ? "+" : "") + percent(fraction) }

    /// A fraction with at most 6 decimals, for CSV.
    static func fraction(_ value: Double) -> String {
        let rounded = (value * 1e6).rounded() / 1e6
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    /// A horizontal bar of Unicode blocks, in eighths of a cell: `█████▍`.
    package static func bar(_ value: Double, peak: Double, width: Int) -> String {
        guard peak > 0, value > 0 else { return "" }
        let eighths = max(1, Int((value / peak * Double(width * 8)).rounded()))
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        return String(repeating: "█", count: eighths / 8) + partial[eighths % 8]
    }

    /// Quotes a CSV field when it holds a comma, quote or line break (RFC 4180).
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension String {
    /// Right-aligned to `width` with spaces.
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}

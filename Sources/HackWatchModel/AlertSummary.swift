import Foundation

/// The body of a message about many incidents (an aggregate's episode, a digest): a headline,
/// lines always shown, and sections that are trimmed first when a destination's limit is near
/// (`top` before breakdowns), plus the facts chat layouts show as fields and the template
/// variables (README "Aggregate rules", "Digests").
package struct AlertSummary: Hashable, Sendable {
    /// A titled list of rows; `trimOrder` 0 is dropped row by row first, then 1, …
    package struct Section: Hashable, Sendable {
        package var title: String
        package var rows: [String]
        package var trimOrder: Int

        package init(title: String, rows: [String], trimOrder: Int) {
            self.title = title
            self.rows = rows
            self.trimOrder = trimOrder
        }
    }

    /// One (label, value) pair.
    package struct Fact: Hashable, Sendable {
        package var label: String
        package var value: String
    }

    /// `aggregate` or `digest` (the webhook payload's `type` says which).
    package var kind: String
    /// One line: `bridge_wave (Ethereum): 3 incidents, $640M in 7d`.
    package var headline: String
    /// Kept whatever the limit: totals, coverage and sources.
    package var lines: [String]
    package var sections: [Section]
    /// (label, value) pairs for Slack fields, Discord embed fields, Teams FactSets.
    package var facts: [Fact]
    /// Template variables (strings).
    package var variables: [String: String]
    /// `top`: one dictionary of incident variables per listed incident.
    package var top: [[String: String]]

    package init(kind: String, headline: String, lines: [String], sections: [Section] = [],
                 facts: [(label: String, value: String)] = [], variables: [String: String] = [:], top: [[String: String]] = []) {
        self.kind = kind
        self.headline = headline
        self.lines = lines
        self.sections = sections
        self.facts = facts.map { Fact(label: $0.label, value: $0.value) }
        self.variables = variables
        self.top = top
    }

    /// The facts as (label, value).
    package var factPairs: [(label: String, value: String)] { facts.map { ($0.label, $0.value) } }

    /// The text, at most `limit` characters: rows of the sections are dropped (lowest
    /// `trimOrder` first, from their end, each trimmed section saying how many it left out)
    /// until it fits; past that the caller's own truncation applies.
    package func text(limit: Int) -> String {
        var shown = sections.map(\.rows.count)
        func render() -> String {
            var out = lines
            for (index, section) in sections.enumerated() where !section.rows.isEmpty {
                out.append("")
                out.append(section.title)
                out += section.rows.prefix(shown[index])
                let hidden = section.rows.count - shown[index]
                if hidden > 0 { out.append(shown[index] == 0 ? "(\(hidden) left out to fit)" : "… and \(hidden) more") }
            }
            return out.joined(separator: "\n")
        }
        var text = render()
        let order = sections.indices.sorted { (sections[$0].trimOrder, $0) < (sections[$1].trimOrder, $1) }
        for index in order {
            while text.count > limit, shown[index] > 0 {
                shown[index] -= 1
                text = render()
            }
        }
        return text
    }

    /// As stored in the outbox payload.
    package var jsonValue: JSONValue {
        .object([
            "kind": .string(kind), "headline": .string(headline), "lines": .array(lines.map(JSONValue.string)),
            "sections": .array(sections.map { .object(["title": .string($0.title), "rows": .array($0.rows.map(JSONValue.string)),
                                                       "trim_order": .number(Double($0.trimOrder))]) }),
            "facts": .array(facts.map { .object(["label": .string($0.label), "value": .string($0.value)]) }),
            "variables": .object(variables.mapValues(JSONValue.string)),
            "top": .array(top.map { .object($0.mapValues(JSONValue.string)) }),
        ])
    }

    /// Decodes `jsonValue`; nil when it is not one.
    package init?(json: JSONValue) {
        guard let kind = json["kind"]?.stringValue, let headline = json["headline"]?.stringValue else { return nil }
        func strings(_ value: JSONValue?) -> [String] { value?.arrayValue?.compactMap(\.stringValue) ?? [] }
        func dictionary(_ value: JSONValue?) -> [String: String] { (value?.objectValue ?? [:]).compactMapValues(\.stringValue) }
        self.init(kind: kind, headline: headline, lines: strings(json["lines"]),
                  sections: (json["sections"]?.arrayValue ?? []).map {
                      Section(title: $0["title"]?.stringValue ?? "", rows: strings($0["rows"]), trimOrder: Int($0["trim_order"]?.numberValue ?? 0))
                  },
                  facts: (json["facts"]?.arrayValue ?? []).compactMap { item in
                      guard let label = item["label"]?.stringValue, let value = item["value"]?.stringValue else { return nil }
                      return (label, value)
                  },
                  variables: dictionary(json["variables"]), top: (json["top"]?.arrayValue ?? []).map(dictionary))
    }
}

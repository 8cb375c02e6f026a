import Foundation
import HackWatchModel

/// One entry of a feed's `transforms`: how the values mapped to one incident field are rewritten
/// before they become the field (`"name": {"strip": " - REKT"}`). The same for every mapped
/// format (json now, html/xml through the same `FieldTransforms.apply`), so `mapping` stays
/// field → pointer. Steps run in this order: `from`, `template`, `strip`, `map`.
package struct FieldTransform: Hashable, Sendable {
    /// Literal texts removed where a value ends or begins with them (ASCII case-insensitive,
    /// longest first, once per end), then whitespace trimmed. Literal, not a regex: Feeds does
    /// not depend on the rule language, and every real suffix seen (rekt's ` - REKT`, ` - Rekt II`)
    /// is a fixed string.
    package var strip: [String] = []
    /// A built-in table (`FieldTransform.tables`): each value found in it is replaced, others kept.
    package var map: String?
    /// Builds the value from the item: `{{slug}}` is the item's member `slug`, `{{/a/b}}` a JSON
    /// Pointer into the item; values are percent-encoded for a URL path. A missing placeholder
    /// leaves the field unknown.
    package var template: String?
    /// `attribution` only: the field whose values (e.g. `tags`) are searched for a known group
    /// (Lazarus, DPRK, North Korea…); the first found becomes `attribution`.
    package var from: String?

    package init(strip: [String] = [], map: String? = nil, template: String? = nil, from: String? = nil) {
        self.strip = strip
        self.map = map
        self.template = template
        self.from = from
    }

    /// The keys a transform object may hold.
    package static let keys = ["strip", "map", "template", "from"]

    /// Built-in `map` tables.
    package static let tables: [String: [String: String]] = ["evm-chain-ids": evmChainIDs]

    /// EIP-155 chain ids (chainlist.org) → the chain names DefiLlama and the rules use.
    package static let evmChainIDs: [String: String] = [
        "1": "Ethereum", "10": "Optimism", "25": "Cronos", "56": "BSC", "100": "Gnosis", "128": "Heco",
        "137": "Polygon", "143": "Monad", "146": "Sonic", "250": "Fantom", "288": "Boba", "324": "zkSync Era",
        "1088": "Metis", "1101": "Polygon zkEVM", "1284": "Moonbeam", "1285": "Moonriver", "2222": "Kava",
        "5000": "Mantle", "7700": "Canto", "8453": "Base", "34443": "Mode", "42161": "Arbitrum",
        "42170": "Arbitrum Nova", "42220": "Celo", "43114": "Avalanche", "59144": "Linea", "60808": "BOB",
        "80094": "Berachain", "81457": "Blast", "534352": "Scroll", "1313161554": "Aurora",
        "1666600000": "Harmony", "204": "opBNB", "130": "Unichain", "480": "World Chain", "2020": "Ronin",
        "1030": "Conflux", "66": "OKExChain", "196": "X Layer", "167000": "Taiko", "169": "Manta",
        "1116": "Core", "122": "Fuse", "40": "Telos", "57073": "Ink", "1329": "Sei", "252": "Fraxtal",
    ]

    /// Problems with `transforms` for a feed whose mapped fields are `mapped`, each as
    /// `"transforms.<field>[.<key>]: message"`.
    package static func validate(_ transforms: [String: FieldTransform], mapped: Set<String>) -> [String] {
        var problems: [String] = []
        let fields = JSONMapping.fields
        for (field, transform) in transforms.sorted(by: { $0.key < $1.key }) {
            let at = "transforms.\(field)"
            guard fields.contains(field) else {
                let hint = JSONMapping.suggestion(for: field, among: fields).map { "; did you mean '\($0)'?" } ?? ""
                problems.append("\(at): unknown field '\(field)'\(hint)")
                continue
            }
            if let table = transform.map, tables[table] == nil {
                problems.append("\(at).map: unknown table '\(table)'; known: \(tables.keys.sorted().joined(separator: ", "))")
            }
            if let source = transform.from {
                if field != "attribution" {
                    problems.append("\(at).from: only 'attribution' takes its value from another field")
                } else if !mapped.contains(source) {
                    problems.append("\(at).from: '\(source)' is not a mapped field")
                }
            }
            if let template = transform.template {
                if let problem = templateProblem(template) { problems.append("\(at).template: \(problem)") }
            }
            if transform.template == nil, transform.from == nil, !mapped.contains(field) {
                problems.append("\(at): '\(field)' is not mapped (only a template or from gives it a value)")
            }
            if transform.strip.contains(where: \.isEmpty) { problems.append("\(at).strip: must not be empty") }
        }
        return problems
    }

    /// The placeholders of `template` (`{{slug}}` → `slug`), or nil when braces are unbalanced.
    package static func placeholders(_ template: String) -> [String]? {
        var names: [String] = []
        var rest = Substring(template)
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { return nil }
            names.append(rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces))
            rest = rest[close.upperBound...]
        }
        return rest.contains("}}") ? nil : names
    }

    private static func templateProblem(_ template: String) -> String? {
        guard let names = placeholders(template) else { return "unbalanced '{{' / '}}'" }
        guard !names.isEmpty else { return "no {{placeholder}}; a constant belongs in the mapping's feed, not every item" }
        for name in names {
            if name.isEmpty { return "empty placeholder '{{}}'" }
            if name.hasPrefix("/") {
                do throws(JSONPointer.Error) { _ = try JSONPointer(name) } catch { return error.description }
            }
        }
        return nil
    }
}

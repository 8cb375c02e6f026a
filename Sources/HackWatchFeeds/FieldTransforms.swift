import Foundation
import HackWatchConfiguration
import HackWatchModel

/// Applies a feed's `transforms` to the raw text values mapped to one incident field. Format
/// independent: the json mapping calls it with the values its pointers found, the html/xml
/// mappings with their XPath strings; each passes how to look up item members (`template`) and
/// the values of other fields (`from`).
package enum FieldTransforms {
    /// `values` (every value the field's mapping found, in order) after `transform`:
    /// `from` replaces them with the first known attacker group named in `field(from)`;
    /// `template` builds one value from `member` lookups (none when a placeholder is missing);
    /// `strip` removes literal prefixes/suffixes; `map` replaces values found in its table.
    /// Empty results are dropped.
    package static func apply(_ transform: FieldTransform, to values: [String],
                              member: (String) -> String?, field: (String) -> [String]) -> [String] {
        var result = values
        if let source = transform.from {
            result = field(source).lazy.compactMap { FeedText.attribution(in: $0) }.first.map { [$0] } ?? []
        }
        if let template = transform.template {
            result = expand(template, member: member).map { [$0] } ?? []
        }
        if !transform.strip.isEmpty {
            // Longest first, so " - REKT 2" wins over " - REKT".
            let strips = transform.strip.sorted { $0.count > $1.count }
            result = result.map { strip(strips, from: $0) }
        }
        if let name = transform.map, let table = FieldTransform.tables[name] {
            result = result.map { table[$0.trimmingCharacters(in: .whitespaces)] ?? $0 }
        }
        return result.filter { !$0.isEmpty }
    }

    /// `value` without the first of `strips` it ends with and the first it begins with
    /// (ASCII case-insensitive), trimmed.
    static func strip(_ strips: [String], from value: String) -> String {
        var text = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if let suffix = strips.first(where: { text.lowercased().hasSuffix($0.lowercased().trimmingCharacters(in: .whitespaces)) }) {
            text = String(text.dropLast(suffix.trimmingCharacters(in: .whitespaces).count))
        }
        if let prefix = strips.first(where: { text.lowercased().hasPrefix($0.lowercased().trimmingCharacters(in: .whitespaces)) }) {
            text = String(text.dropFirst(prefix.trimmingCharacters(in: .whitespaces).count))
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `template` with each `{{name}}` replaced by `member(name)`, percent-encoded for a URL
    /// path; nil when a placeholder has no value (a half-built URL would mislead).
    static func expand(_ template: String, member: (String) -> String?) -> String? {
        var output = ""
        var rest = Substring(template)
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { return nil }
            output += rest[..<open.lowerBound]
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard let value = member(name)?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
            output += value.addingPercentEncoding(withAllowedCharacters: pathAllowed) ?? value
            rest = rest[close.upperBound...]
        }
        return output + rest
    }

    /// RFC 3986 unreserved characters, `/` and sub-delims kept as they are.
    private static let pathAllowed = CharacterSet(charactersIn:
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/!$&'()*+,;=:@")
}

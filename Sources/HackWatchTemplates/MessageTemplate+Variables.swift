import HackWatchModel

extension MessageTemplate {
    /// Every variable a template may name (`variables(for:)` sets a subset: unknown values are
    /// absent). A name outside this list is a typo: it would always render as empty text.
    package static let variableNames = [
        "name", "title", "summary", "loss", "loss_human", "returned", "returned_human", "net_loss_human",
        "chains", "chain_list", "technique", "classification", "target", "attribution", "bridge", "date",
        "source", "sources", "severity", "severity_upper", "rule", "url", "id", "update",
        "addresses", "address_list", "transactions", "transaction_list", "rules", "revision", "changes",
        "previous_loss_human",
        "exposed", "exposure", "exposure_usd", "exposure_usd_human", "exposure_owner", "attribution_source",
    ] + summaryVariableNames

    /// Variables of messages about many incidents (aggregate episodes, digests), set from
    /// `AlertSummary.variables` and `top` (a list of incident variables: name, loss_human, date, url, …).
    package static let summaryVariableNames = [
        "aggregate", "digest", "group", "episode", "count", "known_loss_count", "coverage_pct", "sum_loss", "sum_loss_human",
        "window_label", "period", "change_pct", "top",
    ]

    /// A variable tag naming something no alert has, with its 1-based position.
    struct UnknownVariable: Equatable {
        var name: String
        var line: Int
        var column: Int
    }

    /// The first tag in `source` whose variable is not in `variableNames`. Reads tags as
    /// Mustache does: `{{x}}`, `{{{x}}}`, `{{&x}}`, sections `{{#x}}`/`{{^x}}`/`{{/x}}`,
    /// dotted names (the first part is checked), transforms `{{lowercased(x)}}` and `{{.}}`;
    /// comments, partials and pragmas are skipped and `{{=<% %>=}}` changes the delimiters.
    static func unknownVariable(in source: String) -> UnknownVariable? {
        let text = Array(source.unicodeScalars)
        var open = Array("{{".unicodeScalars), close = Array("}}".unicodeScalars)
        var i = 0
        func matches(_ token: [Unicode.Scalar], at k: Int) -> Bool {
            k + token.count <= text.count && Array(text[k..<(k + token.count)]) == token
        }
        while i < text.count {
            guard matches(open, at: i) else { i += 1; continue }
            let tagStart = i
            var j = i + open.count
            var triple = false
            if open == Array("{{".unicodeScalars), j < text.count, text[j] == "{" { triple = true; j += 1 }
            var end = j
            while end < text.count, !matches(close, at: end) { end += 1 }
            guard end < text.count else { return nil } // the parser reports unclosed tags
            var body = String(String.UnicodeScalarView(text[j..<end])).trimmingCharacters(in: .whitespaces)
            i = end + close.count
            if triple, i < text.count, text[i] == "}" { i += 1 }
            guard let sigil = body.unicodeScalars.first else { continue }
            switch sigil {
            case "!", ">", "<", "%", "$": continue
            case "=":
                // `{{=<% %>=}}`: the new open and close delimiters, separated by whitespace.
                let parts = body.dropFirst().dropLast().split(separator: " ", omittingEmptySubsequences: true)
                if parts.count == 2 { open = Array(parts[0].unicodeScalars); close = Array(parts[1].unicodeScalars) }
                continue
            case "#", "^", "/", "&": body = String(body.dropFirst()).trimmingCharacters(in: .whitespaces)
            default: break
            }
            // A transform `f(x)` applies to `x`.
            if let paren = body.firstIndex(of: "("), body.hasSuffix(")") {
                body = String(body[body.index(after: paren)..<body.index(before: body.endIndex)])
            }
            let name = String(body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            if name.isEmpty || variableNames.contains(name) { continue }
            var line = 1, column = 1
            for scalar in text[..<tagStart] {
                if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
            }
            return UnknownVariable(name: name, line: line, column: column)
        }
        return nil
    }

    /// The error `validate` gives for an unknown variable, with a "did you mean" when one is close.
    static func describe(_ unknown: UnknownVariable) -> String {
        var message = "unknown variable '\(unknown.name)' at line \(unknown.line), column \(unknown.column)"
        if let near = Suggest.nearest(unknown.name, in: variableNames) { message += "; did you mean '\(near)'?" }
        return message
    }
}

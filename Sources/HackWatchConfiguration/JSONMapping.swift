import HackWatchModel
/// The `mapping` of a `json` feed: incident field name → JSON Pointer into one item.
///
/// Keys: `id`, `name` (required), `title`, `summary`, `url`, `date`, `loss`, `returned`,
/// `chains`, `classification`, `technique`, `bridge`, `target`, `attribution`, `tags`, and
/// `loss_currency` (a pointer to the unit of `loss`/`returned`: amounts count as USD only when it
/// says `USD`/`US$`/`$`; token units such as `ETH` leave `loss` null), `addresses` and
/// `transactions` (lists: attacker addresses, attack tx hashes). A `*` token fans out over an
/// array (`/transactions/*/attacker`): the field gets every value found (the first, for a
/// one-value field).
package enum JSONMapping {
    /// Every key a mapping may use.
    package static let fields: [String] = [
        "id", "name", "title", "summary", "url", "date", "loss", "returned", "chains", "classification",
        "technique", "bridge", "target", "attribution", "tags", "loss_currency", "addresses", "transactions",
    ]

    /// `date_format` values.
    package static let dateFormats = ["unix", "unix_ms", "iso8601", "guess"]

    /// Every problem with `feed`'s json settings, each as `"<key>: <message>"` where key is
    /// `mapping.<field>`, `mapping`, `items_pointer`, `amount_scale` or `date_format` (the
    /// config loader prefixes its JSON path). Empty when the feed is fine or not a json feed.
    package static func validate(_ feed: FeedConfig) -> [String] {
        // Transforms apply to any mapped format.
        let transformProblems = [.json, .auto, .html, .xml].contains(feed.format)
            ? FieldTransform.validate(feed.transforms, mapped: Set(feed.mapping.keys)) : []
        if feed.format == .html || feed.format == .xml { return XPathMapping.validate(feed) + transformProblems }
        var problems = XPathMapping.misplacedKeys(feed) + transformProblems
        guard feed.format == .json || feed.format == .auto else {
            if !feed.mapping.isEmpty { problems.append("mapping: only used with format \"json\", \"html\" or \"xml\" (this feed is \(feed.format.rawValue))") }
            if !feed.transforms.isEmpty { problems.append("transforms: only used with a mapping (format \"json\", \"html\" or \"xml\")") }
            return problems
        }
        let known = Set(fields)
        for (key, pointer) in feed.mapping.sorted(by: { $0.key < $1.key }) {
            if !known.contains(key) {
                let hint = suggestion(for: key, among: fields).map { "; did you mean '\($0)'?" } ?? ""
                problems.append("mapping.\(key): unknown field '\(key)'\(hint)")
            }
            do throws(JSONPointer.Error) { _ = try JSONPointer(pointer) } catch {
                problems.append("mapping.\(key): \(error.description)")
            }
        }
        if feed.format == .json, feed.mapping["name"] == nil {
            problems.append("mapping: 'name' is required (a JSON Pointer to the protocol's name, e.g. \"/name\")")
        }
        do throws(JSONPointer.Error) { _ = try JSONPointer(feed.itemsPointer) } catch {
            problems.append("items_pointer: \(error.description)")
        }
        if !(feed.amountScale > 0 && feed.amountScale.isFinite) {
            problems.append("amount_scale: must be a positive number, got \(feed.amountScale)")
        }
        if let format = feed.dateFormat, !dateFormats.contains(format) {
            let hint = suggestion(for: format, among: dateFormats).map { "; did you mean '\($0)'?" } ?? ""
            problems.append("date_format: '\(format)' is not one of \(dateFormats.joined(separator: ", "))\(hint)")
        }
        return problems
    }

    /// The closest candidate within edit distance 2 (or one that `word` is a prefix of).
    static func suggestion(for word: String, among candidates: [String]) -> String? {
        if let near = Suggest.nearest(word, in: candidates, within: 2) { return near }
        let lower = word.lowercased()
        return lower.count >= 3 ? candidates.first { $0.hasPrefix(lower) } : nil
    }
}

import CLibXML2

/// The `mapping` of an `html` or `xml` feed: incident field → XPath 1.0 expression evaluated
/// with the item node as context (`h3`, `normalize-space(span[@class='time'])`, `a/@href`).
/// A field takes the string value of the first node selected (or the expression's string
/// result); `chains` and `tags` take each selected node's. Fields are `JSONMapping.fields`.
package enum XPathMapping {
    /// `extract` values.
    package static let extractions = ["next_data"]

    /// Every problem with an html/xml feed's settings, as `"<key>: <message>"` (see
    /// `JSONMapping.validate`). Expressions are compiled by libxml2 here, at config load.
    static func validate(_ feed: FeedConfig) -> [String] {
        var problems: [String] = []
        let format = feed.format.rawValue
        if let xpath = feed.itemsXPath {
            if !compiles(xpath) { problems.append("items_xpath: '\(xpath)' is not a valid XPath 1.0 expression") }
        } else {
            problems.append("items_xpath: required with format \"\(format)\" (XPath selecting each item, e.g. \"//ul/li\")")
        }
        if feed.extract != nil {
            problems.append("extract: only used with format \"json\" (this feed is \(format))")
        }
        let known = Set(JSONMapping.fields)
        for (key, expression) in feed.mapping.sorted(by: { $0.key < $1.key }) {
            if !known.contains(key) {
                let hint = JSONMapping.suggestion(for: key, among: JSONMapping.fields).map { "; did you mean '\($0)'?" } ?? ""
                problems.append("mapping.\(key): unknown field '\(key)'\(hint)")
            }
            if !compiles(expression) {
                problems.append("mapping.\(key): '\(expression)' is not a valid XPath 1.0 expression")
            }
        }
        if feed.mapping["name"] == nil {
            problems.append("mapping: 'name' is required (an XPath to the protocol's name, relative to the item, e.g. \"h3\")")
        }
        return problems
    }

    /// `items_xpath` and `extract` on a feed whose format does not use them.
    static func misplacedKeys(_ feed: FeedConfig) -> [String] {
        var problems: [String] = []
        if feed.itemsXPath != nil {
            problems.append("items_xpath: only used with format \"html\" or \"xml\" (this feed is \(feed.format.rawValue))")
        }
        if let extract = feed.extract {
            if !extractions.contains(extract) {
                problems.append("extract: '\(extract)' is not one of \(extractions.joined(separator: ", "))")
            } else if feed.format != .json {
                problems.append("extract: only used with format \"json\" (this feed is \(feed.format.rawValue))")
            }
        }
        return problems
    }

    /// True when libxml2 compiles `expression` as XPath 1.0.
    package static func compiles(_ expression: String) -> Bool {
        !expression.isEmpty && hw_xpath_compiles(expression) == 1
    }
}

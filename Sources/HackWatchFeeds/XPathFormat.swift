import CLibXML2
import HackWatchConfiguration
import HackWatchModel

/// Generic `html` and `xml` feeds: `items_xpath` selects the item nodes, `mapping` gives each
/// incident field as an XPath expression relative to the item (see `XPathMapping`).
///
/// The values are gathered into one JSON object per item and read by `JSONMappedFormat`, so
/// amounts, dates, lists and the inferred title/summary/bridge/attribution follow exactly the
/// `json` rules. Element values are their reader text (script/style dropped, blocks separated,
/// whitespace collapsed). In `xml` documents the namespaces declared on the root element can be
/// used with their prefixes, its default namespace with the prefix `default`.
enum XPathFormat {
    static func parse(_ bytes: [UInt8], config: FeedConfig) throws(FeedError) -> FeedParseResult {
        let problems = JSONMapping.validate(config)
        guard problems.isEmpty, let itemsXPath = config.itemsXPath else { throw .invalidMapping(problems) }
        var warnings: [String] = []
        let document: LibXMLDocument
        if config.format == .xml {
            document = try LibXMLDocument(xml: bytes)
            if document.report.faults > 0 { warnings.append("\(config.name): " + SyndicationFormat.faultWarning(document.report)) }
        } else {
            document = LibXMLDocument(html: bytes)
        }
        hw_xpath_quiet()
        guard let context = xmlXPathNewContext(document.pointer) else { throw .unexpectedShape("\(config.format.rawValue): out of memory") }
        defer { xmlXPathFreeContext(context) }
        if config.format == .xml, let root = document.root { registerNamespaces(of: root, in: context) }
        let compiled = Dictionary(uniqueKeysWithValues: config.mapping.compactMap { field, expression in
            xmlXPathCompile(expression).map { (field, $0) }
        })
        defer { compiled.values.forEach { xmlXPathFreeCompExpr($0) } }
        guard let itemsExpression = xmlXPathCompile(itemsXPath) else { throw .invalidMapping(["items_xpath: invalid"]) }
        defer { xmlXPathFreeCompExpr(itemsExpression) }
        context.pointee.node = document.documentNode.raw
        let items = nodes(xmlXPathCompiledEval(itemsExpression, context))
        guard !items.isEmpty else {
            throw .unexpectedShape("\(config.format.rawValue): items_xpath '\(itemsXPath)' selects nothing")
        }
        var records: [JSONValue] = []
        records.reserveCapacity(items.count)
        for item in items {
            var object: [String: JSONValue] = [:]
            for (field, expression) in compiled {
                context.pointee.node = item
                object[field] = value(xmlXPathCompiledEval(expression, context), list: listFields.contains(field))
            }
            records.append(.object(object))
        }
        var json = config
        json.format = .json
        json.itemsXPath = nil
        json.itemsPointer = ""
        json.mapping = Dictionary(uniqueKeysWithValues: config.mapping.keys.map { ($0, "/" + $0) })
        var result = try JSONMappedFormat.parse(Array(JSONValue.array(records).serialized().utf8), config: json)
        result.warnings = warnings + result.warnings.map { $0.replacingOccurrences(of: ": record ", with: ": item ") }
        return result
    }

    /// Fields that take every selected node (the others take the first).
    static let listFields: Set<String> = ["chains", "tags", "addresses", "transactions"]

    /// The nodes of a node-set result (freeing the result).
    static func nodes(_ result: xmlXPathObjectPtr?) -> [xmlNodePtr] {
        guard let result else { return [] }
        defer { xmlXPathFreeObject(result) }
        guard result.pointee.type == XPATH_NODESET, let set = result.pointee.nodesetval else { return [] }
        return (0..<Int(set.pointee.nodeNr)).compactMap { set.pointee.nodeTab[$0] }
    }

    /// An XPath result as JSON: a string (first node's text, or the string/number/boolean result),
    /// an array of strings for list fields, nil when nothing was selected or the text is empty.
    static func value(_ result: xmlXPathObjectPtr?, list: Bool) -> JSONValue? {
        guard let result else { return nil }
        defer { xmlXPathFreeObject(result) }
        if result.pointee.type == XPATH_NODESET {
            guard let set = result.pointee.nodesetval, set.pointee.nodeNr > 0 else { return nil }
            let texts = (0..<Int(set.pointee.nodeNr)).compactMap { set.pointee.nodeTab[$0] }
                .map { FeedText.collapse(XMLNode($0).text) }.filter { !$0.isEmpty }
            if list { return .array(texts.map(JSONValue.string)) }
            return texts.first.map(JSONValue.string)
        }
        guard let text = xmlXPathCastToString(result) else { return nil }
        defer { hw_xml_free(text) }
        let collapsed = FeedText.collapse(String(cString: text))
        return collapsed.isEmpty ? nil : .string(collapsed)
    }

    static func registerNamespaces(of root: XMLNode, in context: xmlXPathContextPtr) {
        var ns = root.raw.pointee.nsDef
        while let declaration = ns {
            if let href = declaration.pointee.href {
                if let prefix = declaration.pointee.prefix {
                    xmlXPathRegisterNs(context, prefix, href)
                } else {
                    xmlXPathRegisterNs(context, "default", href)
                }
            }
            ns = declaration.pointee.next
        }
    }
}

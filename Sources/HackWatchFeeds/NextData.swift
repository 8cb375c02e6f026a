import CLibXML2

/// `extract: "next_data"`: Next.js pages (rekt.news) carry their data as JSON in
/// `<script id="__NEXT_DATA__" type="application/json">`; that JSON is the feed.
enum NextData {
    static func json(in page: [UInt8]) throws(FeedError) -> [UInt8] {
        let document = LibXMLDocument(html: page)
        hw_xpath_quiet()
        guard let context = xmlXPathNewContext(document.pointer) else { throw .unexpectedShape("next_data: out of memory") }
        defer { xmlXPathFreeContext(context) }
        let scripts = XPathFormat.nodes(xmlXPathEvalExpression("//script[@id='__NEXT_DATA__']", context))
        guard let script = scripts.first, let content = xmlNodeGetContent(script) else {
            throw .unexpectedShape("next_data: no <script id=\"__NEXT_DATA__\"> in the page")
        }
        defer { hw_xml_free(content) }
        return Array(UnsafeBufferPointer(start: content, count: Int(xmlStrlen(content))))
    }
}

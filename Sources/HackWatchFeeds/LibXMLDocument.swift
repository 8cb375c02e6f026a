import Foundation
import CLibXML2
import HackWatchModel

/// A document parsed by libxml2 (the one XML and HTML engine; see `hw_xml_read` in CLibXML2 for
/// the hardening: recovery, no network, no DTD loading, no entity substitution). Freed with the
/// value; nodes borrowed from it must not outlive it.
final class LibXMLDocument {
    let pointer: xmlDocPtr
    /// What the XML parser recovered from (all zero for HTML and well-formed XML).
    let report: hw_xml_report
    /// Invalid UTF-8 was replaced with U+FFFD before parsing.
    let repairedUTF8: Bool

    /// libxml2's element nesting limit without XML_PARSE_HUGE.
    static let maxDepth = 256

    /// Parses XML. Throws only when nesting passes `maxDepth` or nothing at all could be read.
    /// With `onItem`, each feed item (`<item>`/`<entry>` under the root or its `<channel>`) is
    /// handed over as soon as it is closed and freed after: memory stays at one item.
    init(xml bytes: [UInt8], onItem: ((XMLNode) -> Void)? = nil) throws(FeedError) {
        var transcoded = Self.transcodedUTF32(bytes)
        var repaired = false
        if transcoded == nil, Self.needsUTF8Repair(bytes) {
            transcoded = Array(String(decoding: bytes, as: UTF8.self).utf8)
            repaired = true
        }
        repairedUTF8 = repaired
        var report = hw_xml_report()
        final class Handler {
            let body: (XMLNode) -> Void
            init(_ body: @escaping (XMLNode) -> Void) { self.body = body }
        }
        let parsed: xmlDocPtr? = (transcoded ?? bytes).withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return nil }
            return base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars in
                guard let onItem else { return hw_xml_read(chars, Int32(buffer.count), &report) }
                let handler = Handler(onItem)
                return withExtendedLifetime(handler) {
                    hw_xml_read_items(chars, Int32(buffer.count), &report, { context, node in
                        guard let context, let node else { return }
                        Unmanaged<Handler>.fromOpaque(context).takeUnretainedValue().body(XMLNode(node))
                    }, Unmanaged.passUnretained(handler).toOpaque())
                }
            }
        }
        self.report = report
        if report.too_deep != 0 {
            if let parsed { xmlFreeDoc(parsed) }
            throw .tooDeep(limit: Self.maxDepth)
        }
        guard let parsed, xmlDocGetRootElement(parsed) != nil else {
            if let parsed { xmlFreeDoc(parsed) }
            throw .invalidXML(report.faults > 0 ? "invalid XML at line \(report.first_line): \(Self.message(report))" : "invalid XML: empty document")
        }
        pointer = parsed
    }

    /// Parses HTML (a whole page or a fragment) as UTF-8 unless the page declares otherwise.
    init(html bytes: [UInt8], encoding: String? = nil) {
        var report = hw_xml_report()
        report.faults = 0
        self.report = report
        repairedUTF8 = false
        let parsed: xmlDocPtr? = bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return nil }
            return UnsafeRawPointer(base).withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars in
                encoding.map { hw_html_read(chars, Int32(buffer.count), $0) } ?? hw_html_read(chars, Int32(buffer.count), nil)
            }
        }
        pointer = parsed ?? xmlNewDoc("1.0")
    }

    deinit { xmlFreeDoc(pointer) }

    var root: XMLNode? { xmlDocGetRootElement(pointer).map(XMLNode.init) }

    /// The document node itself (XPath's `/`, the parent of a fragment's top-level nodes).
    var documentNode: XMLNode { XMLNode(UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: xmlNode.self)) }

    static func message(_ report: hw_xml_report) -> String {
        var copy = report
        return withUnsafeBytes(of: &copy.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    /// UTF-32 documents (by their BOM) as UTF-8 without their XML declaration: this libxml2
    /// build reads UTF-16 itself but not UTF-32.
    static func transcodedUTF32(_ bytes: [UInt8]) -> [UInt8]? {
        let encoding: String.Encoding
        if bytes.starts(with: [0x00, 0x00, 0xFE, 0xFF]) { encoding = .utf32BigEndian }
        else if bytes.starts(with: [0xFF, 0xFE, 0x00, 0x00]) { encoding = .utf32LittleEndian }
        else { return nil }
        let body = bytes[4...]
        guard var text = String(bytes: body.prefix(body.count / 4 * 4), encoding: encoding) else { return nil }
        if text.hasPrefix("<?xml"), let end = text.range(of: "?>") { text.removeSubrange(text.startIndex..<end.upperBound) }
        return Array(text.utf8)
    }

    /// True for UTF-8 documents (no BOM of another form, no other declared encoding) with
    /// invalid sequences: those get U+FFFD for each, as the old reader did (libxml2 would switch
    /// the rest of the document to Latin-1). Checked in C, without copying the body.
    static func needsUTF8Repair(_ bytes: [UInt8]) -> Bool {
        guard isDeclaredUTF8(bytes) else { return false }
        return bytes.withUnsafeBufferPointer { hw_utf8_valid($0.baseAddress, Int32($0.count)) } == 0
    }

    /// True unless a UTF-16/32 BOM or an XML declaration names another encoding.
    static func isDeclaredUTF8(_ bytes: [UInt8]) -> Bool {
        if bytes.count >= 2, (bytes[0] == 0xFE && bytes[1] == 0xFF) || (bytes[0] == 0xFF && bytes[1] == 0xFE) { return false }
        if bytes.count >= 4, bytes[0] == 0, bytes[1] == 0 { return false }
        if bytes.count >= 2, bytes[0] == 0x3C, bytes[1] == 0 { return false }  // UTF-16LE without BOM
        if bytes.count >= 2, bytes[0] == 0, bytes[1] == 0x3C { return false }
        let head = Array(bytes.prefix(256))
        guard let start = FeedText.find(Array("<?xml".utf8), in: head),
              let end = FeedText.find(Array("?>".utf8), in: head, from: start) else { return true }
        let declaration = FeedText.asciiLowercased(String(decoding: head[start..<end], as: UTF8.self))
        guard let at = FeedText.find(Array("encoding".utf8), in: declaration) else { return true }
        let rest = String(decoding: declaration[(at + 8)...], as: UTF8.self)
        let name = rest.drop { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "'" }.prefix { $0 != "\"" && $0 != "'" && $0 != " " }
        return name == "utf-8" || name == "utf8"
    }
}

/// An element, text or attribute node of a `LibXMLDocument` (borrowed: valid while it lives).
struct XMLNode {
    let raw: xmlNodePtr

    init(_ raw: xmlNodePtr) { self.raw = raw }

    var isElement: Bool { raw.pointee.type == XML_ELEMENT_NODE }

    /// The local name (no prefix).
    var name: String { raw.pointee.name.map { String(cString: $0) } ?? "" }

    /// The namespace URI, if any.
    var namespace: UnsafePointer<xmlChar>? { raw.pointee.ns?.pointee.href }

    /// True when the parser saw this element's end tag (a truncated body leaves some open).
    var isClosed: Bool { raw.pointee._private != nil }

    /// Element children in document order.
    var elements: [XMLNode] {
        var out: [XMLNode] = []
        var child = raw.pointee.children
        while let node = child {
            if node.pointee.type == XML_ELEMENT_NODE { out.append(XMLNode(node)) }
            child = node.pointee.next
        }
        return out
    }

    /// An attribute without namespace (`href`), HTML entity names in it decoded.
    func attribute(_ name: String) -> String? {
        guard let value = xmlGetNoNsProp(raw, name) else { return nil }
        defer { hw_xml_free(value) }
        return FeedText.decodeEntityNames(String(cString: value))
    }

    /// An attribute in a namespace (`xml:base`, `rdf:about`).
    func attribute(_ name: String, namespace: String) -> String? {
        guard let value = xmlGetNsProp(raw, name, namespace) else { return nil }
        defer { hw_xml_free(value) }
        return String(cString: value)
    }

    /// The text a reader sees (see `hw_node_text`): markup removed, script/style/comments
    /// dropped, blocks separated by spaces; whitespace not yet collapsed.
    var text: String {
        var length: Int32 = 0
        guard let text = hw_node_text(raw, &length) else { return "" }
        defer { hw_free(text) }
        return String(decoding: UnsafeRawBufferPointer(start: text, count: Int(length)), as: UTF8.self)
    }

    /// The reader text with whitespace collapsed; with `html`, markup in the text (escaped HTML,
    /// CDATA) turned into text too. One C pass, one Swift string: the hot path of RSS parsing.
    func fieldText(html: Bool) -> String {
        var length: Int32 = 0, references: Int32 = 0
        guard let text = hw_field_text(raw, html ? 1 : 0, &length, &references) else { return "" }
        defer { hw_free(text) }
        let string = String(decoding: UnsafeRawBufferPointer(start: text, count: Int(length)), as: UTF8.self)
        return references != 0 ? FeedText.collapse(FeedText.decodeReferences(string)) : string
    }

    /// The first element child, then `nextElement` for the others (no array built).
    var firstElement: XMLNode? { Self.element(from: raw.pointee.children) }
    var nextElement: XMLNode? { Self.element(from: raw.pointee.next) }

    private static func element(from start: xmlNodePtr?) -> XMLNode? {
        var node = start
        while let current = node {
            if current.pointee.type == XML_ELEMENT_NODE { return XMLNode(current) }
            node = current.pointee.next
        }
        return nil
    }

    /// The effective `xml:base` (inherited from ancestors), if any.
    var base: String? {
        guard let base = xmlNodeGetBase(raw.pointee.doc, raw) else { return nil }
        defer { hw_xml_free(base) }
        return String(cString: base)
    }

    /// `reference` resolved against `base` (RFC 3986), or nil when it cannot be.
    static func resolve(_ reference: String, against base: String) -> String? {
        guard let built = xmlBuildURI(reference, base) else { return nil }
        defer { hw_xml_free(built) }
        return String(cString: built)
    }
}

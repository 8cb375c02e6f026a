import Foundation
import CLibXML2
import HackWatchConfiguration
import HackWatchModel

/// RSS 2.0, RSS 1.0 (RDF) and Atom 1.0 (and 0.3), read with libxml2, namespace-aware.
///
/// Core elements count only in the format's own namespace (none for RSS 2.0, RSS 1.0's, Atom's);
/// extensions are read only where they are the right field: `dc:date`/`dcterms:*` dates,
/// `dc:subject` tags, `content:encoded` content, `dc:title`/`dc:description`/`itunes:summary`
/// only when the core element is missing. `media:*` never fills a field.
///
/// Item fields: `title`; `link` (RSS text; Atom `href` of `rel="alternate"` or no rel, else any
/// but self/enclosure, `related`/`via` last), resolved against `xml:base`; `guid` / Atom `id`
/// (→ `Incident.id`, else the link); a `guid` with `isPermaLink` (default true) that is a URL is
/// the url when there is no link; `pubDate`, `published`, `dc:date`, `updated` (first that parses,
/// in that order); `category` (RSS text, Atom `term`/`label`) and `dc:subject` → tags;
/// `description`, `summary`, `content`, `content:encoded` → summary. Atom text constructs follow
/// `type`: `text` is taken as is (never decoded twice), `html` and `xhtml` become text.
enum SyndicationFormat {
    static func parse(_ bytes: [UInt8], config: FeedConfig) throws(FeedError) -> FeedParseResult {
        // Items are read as the parser closes them (and freed right after), in document order.
        var reader = ItemReader()
        var itemWarnings: [String] = []
        var records: [(index: Int, incident: Incident)] = []
        var index = 0
        let document = try LibXMLDocument(xml: bytes) { element in
            defer { index += 1 }
            var note: String?
            guard let incident = makeIncident(reader.read(element), source: config.name, note: &note) else {
                itemWarnings.append("\(config.name): item \(index) skipped: no title, link or summary")
                return
            }
            if let note { itemWarnings.append("\(config.name): item \(index): \(note)") }
            records.append((index, incident))
        }
        guard let root = document.root else { throw .unexpectedShape("\(config.format.rawValue): empty document") }
        let rootName = root.name.lowercased()
        guard ["rss", "rdf", "feed"].contains(rootName) else {
            throw .unexpectedShape("\(config.format.rawValue): root element is <\(root.name)>, not <rss>, <rdf:RDF> or <feed>")
        }
        var result = FeedParseResult()
        let report = document.report
        if report.had_doctype != 0 {
            result.warnings.append("\(config.name): <!DOCTYPE> ignored; entities it declares are not expanded")
        }
        if document.repairedUTF8 {
            result.warnings.append("\(config.name): invalid UTF-8 replaced with U+FFFD")
        }
        if report.faults > 0 {
            result.warnings.append("\(config.name): " + faultWarning(report))
        }
        result.warnings += itemWarnings
        // What is left are items a truncated body cut off (never closed, so never handed over).
        for _ in itemElements(root) {
            result.warnings.append("\(config.name): item \(index) skipped: cut off by the end of the body")
            index += 1
        }
        result.incidents = FeedAssembly.finish(records, feed: config.name, noun: "item", warnings: &result.warnings)
        return result
    }

    /// "not well-formed XML …, recovered" naming the first fault and what usually causes it.
    static func faultWarning(_ report: hw_xml_report) -> String {
        let hint: String
        switch report.first_code {
        case Int32(XML_ERR_TAG_NAME_MISMATCH.rawValue): hint = " (an unclosed tag such as a raw <br>?)"
        case Int32(XML_ERR_NAME_REQUIRED.rawValue), Int32(XML_ERR_LT_IN_ATTRIBUTE.rawValue): hint = " (a lone '<'?)"
        default: hint = report.truncated != 0 ? " (the body is truncated)" : ""
        }
        let count = report.faults == 1 ? "1 fault" : "\(report.faults) faults"
        return "not well-formed XML, recovered (\(count)); first at line \(report.first_line): "
            + "\(LibXMLDocument.message(report))\(hint)"
    }

    /// `<item>`/`<entry>` children of the root or of a `<channel>` (RSS 2.0 nests them, RSS 1.0
    /// and Atom do not).
    static func itemElements(_ root: XMLNode) -> [XMLNode] {
        var items: [XMLNode] = []
        for child in root.elements {
            switch child.name {
            case "item", "entry": items.append(child)
            case "channel": items += child.elements.filter { $0.name == "item" || $0.name == "entry" }
            default: break
            }
        }
        return items
    }

    static func makeIncident(_ item: RawItem, source: String, note: inout String?) -> Incident? {
        let rawTitle = item.title
        let fullSummary = item.summary.isEmpty ? item.content : item.summary
        let link = FeedText.trimmed(item.link)
        guard !rawTitle.isEmpty || !fullSummary.isEmpty || !link.isEmpty else { return nil }
        let title = FeedText.capped(rawTitle.isEmpty ? FeedText.capped(fullSummary, 120) : rawTitle, FeedText.maxTitle)
        let lowerText = FeedText.asciiLowercased(rawTitle + "\n" + fullSummary)
        let name = title.isEmpty ? link : FeedText.name(fromTitle: title)
        var id = FeedText.trimmed(item.id)
        if id.isEmpty { id = link }
        var date: Date?
        for candidate in item.dates where date == nil { date = FeedDate.parse(candidate, note: &note) }
        return Incident(
            id: id, source: source, name: name, title: title.isEmpty ? nil : title,
            summary: fullSummary.isEmpty ? nil : FeedText.capped(fullSummary, FeedText.maxSummary),
            url: link.isEmpty ? nil : link, date: date,
            loss: (FeedText.usdAmount(in: rawTitle) ?? FeedText.usdAmount(in: fullSummary)).map { Money(usd: $0) },
            bridge: FeedText.mentionsBridge(lowercased: lowerText), attribution: FeedText.attribution(inLowercased: lowerText),
            tags: item.tags)
    }
}

/// One `<item>` / `<entry>` as plain text (markup already removed).
struct RawItem {
    var title = ""
    var link = ""
    var id = ""
    /// Candidate dates in order of preference (published before updated).
    var dates: [String] = []
    var summary = ""
    var content = ""
    var tags: [String] = []
}

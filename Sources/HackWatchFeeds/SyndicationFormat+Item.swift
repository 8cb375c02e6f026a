import CLibXML2

/// The namespaces whose elements `ItemReader` reads.
enum FeedNamespace: Equatable {
    /// RSS 2.0 (no namespace), RSS 1.0, RSS 0.90, Atom 1.0 and 0.3: the format's own elements.
    case core
    case atom
    case dublinCore
    case dublinCoreTerms
    case content
    case itunes
    /// Anything else (`media:`, `slash:`, `wfw:` …): never read.
    case other

    static let uris: [(String, FeedNamespace)] = [
        ("http://purl.org/rss/1.0/", .core), ("http://my.netscape.com/rdf/simple/0.9/", .core),
        ("http://backend.userland.com/rss2", .core), ("http://www.w3.org/2005/Atom", .atom),
        ("http://purl.org/atom/ns#", .atom), ("http://purl.org/dc/elements/1.1/", .dublinCore),
        ("http://purl.org/dc/terms/", .dublinCoreTerms), ("http://purl.org/rss/1.0/modules/content/", .content),
        ("http://www.itunes.com/dtds/podcast-1.0.dtd", .itunes),
    ]
}

/// The element names `ItemReader` reads, numbered as `hw_field_name` numbers them.
enum FieldName: Int32 {
    case title = 1, link, guid, id, pubDate, published, issued, date, created, updated, modified
    case description, summary, content, encoded, category, subject
}

/// Reads one item element into a `RawItem`, caching each namespace pointer's kind (all of an
/// item's elements share the few `xmlNs` declared on the root).
struct ItemReader {
    /// The few namespace declarations seen so far and their kinds (a linear scan beats hashing).
    private var kinds: [(UnsafeMutableRawPointer, FeedNamespace)] = []


    mutating func kind(_ node: XMLNode) -> FeedNamespace {
        guard let ns = node.raw.pointee.ns else { return .core }
        let key = UnsafeMutableRawPointer(ns)
        for (pointer, kind) in kinds where pointer == key { return kind }
        let uri = ns.pointee.href.map { String(cString: $0) } ?? ""
        let found = FeedNamespace.uris.first { $0.0 == uri }?.1 ?? .other
        if kinds.count < 64 { kinds.append((key, found)) }
        return found
    }

    mutating func read(_ element: XMLNode) -> RawItem {
        var item = RawItem()
        var dates: [(rank: Int, text: String)] = []
        var linkRank = Int.max
        var permalink: String?
        var fallbackTitle = "", fallbackSummary = ""
        var next = element.firstElement
        while let child = next {
            next = child.nextElement
            // The name first (in C, without a String: comparing Strings case by case was a tenth
            // of reading an item), then the namespace.
            guard let name = FieldName(rawValue: hw_field_name(child.raw.pointee.name)) else { continue }
            let namespace = kind(child)
            let core = namespace == .core || namespace == .atom
            switch name {
            case .title:
                if core { item.title = Self.text(child, atom: namespace == .atom) }
                else if namespace == .dublinCore { fallbackTitle = Self.text(child, atom: false) }
            case .link where core:
                if let href = child.attribute("href") {
                    let rank = Self.linkRank(child.attribute("rel"))
                    if rank < linkRank, !href.isEmpty { item.link = resolved(href, at: child); linkRank = rank }
                } else if item.link.isEmpty {
                    let text = child.fieldText(html: false)
                    if !text.isEmpty { item.link = resolved(text, at: child); linkRank = 0 }
                }
            case .guid where namespace == .core:
                item.id = child.fieldText(html: false)
                if item.id.hasPrefix("http://") || item.id.hasPrefix("https://"),
                   child.attribute("isPermaLink")?.lowercased() != "false" { permalink = item.id }
            case .id where core: item.id = child.fieldText(html: false)
            case .pubDate where namespace == .core, .published where core, .issued where namespace == .atom:
                dates.append((0, child.fieldText(html: false)))
            case .date where namespace == .dublinCore, .issued where namespace == .dublinCoreTerms,
                 .created where namespace == .dublinCoreTerms || namespace == .atom:
                dates.append((1, child.fieldText(html: false)))
            case .updated where core, .modified where namespace == .atom || namespace == .dublinCoreTerms:
                dates.append((2, child.fieldText(html: false)))
            case .description where namespace == .core, .summary where core:
                item.summary = Self.text(child, atom: namespace == .atom)
            case .description where namespace == .dublinCore, .summary where namespace == .itunes:
                fallbackSummary = Self.text(child, atom: false)
            case .content where namespace == .atom, .encoded where namespace == .content:
                item.content = Self.text(child, atom: namespace == .atom)
            case .category where core, .subject where namespace == .dublinCore:
                let tag = (child.attribute("label") ?? child.attribute("term")).map { FeedText.collapse($0) }
                    ?? child.fieldText(html: true)
                if !tag.isEmpty { item.tags.append(tag) }
            default: break
            }
        }
        if item.title.isEmpty { item.title = fallbackTitle }
        if item.summary.isEmpty, item.content.isEmpty { item.summary = fallbackSummary }
        if item.link.isEmpty, let permalink { item.link = permalink }
        item.dates = dates.count == 1 ? [dates[0].text] : dates.sorted { $0.rank < $1.rank }.map(\.text)
        return item
    }

    /// Atom `rel`: alternate (or none) first, then any other but self/enclosure/edit, then
    /// related/via; self and enclosure never.
    static func linkRank(_ rel: String?) -> Int {
        switch rel?.lowercased() {
        case nil, "alternate"?, ""?: return 0
        case "related"?, "via"?: return 2
        case "self"?, "enclosure"?, "edit"?, "edit-media"?, "replies"?, "license"?, "hub"?: return Int.max
        default: return 1
        }
    }

    /// `link` made absolute against the element's `xml:base` (or the document's), when relative.
    func resolved(_ link: String, at node: XMLNode) -> String {
        let trimmed = FeedText.trimmed(link)
        if trimmed.hasPrefix("http://") || trimmed.hasPrefix("https://") { return trimmed }
        guard let base = node.base, !base.isEmpty, let absolute = XMLNode.resolve(trimmed, against: base) else { return trimmed }
        return absolute
    }

    /// A text construct as plain text. Atom says how it is written (`type`): `text` as is,
    /// `html` escaped markup, `xhtml` inline elements. RSS does not say; its text is treated as
    /// HTML, as feed readers do.
    static func text(_ node: XMLNode, atom: Bool) -> String {
        guard atom else { return node.fieldText(html: true) }
        switch node.attribute("type")?.lowercased() ?? "text" {
        case "text", "text/plain", "xhtml", "application/xhtml+xml": return node.fieldText(html: false)
        default: return node.fieldText(html: true)
        }
    }
}

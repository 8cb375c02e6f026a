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
            let namespace = kind(child)
            let name = child.name
            switch (namespace, name) {
            case (.core, "title"), (.atom, "title"): item.title = Self.text(child, atom: namespace == .atom)
            case (.core, "link"), (.atom, "link"):
                if let href = child.attribute("href") {
                    let rank = Self.linkRank(child.attribute("rel"))
                    if rank < linkRank, !href.isEmpty { item.link = resolved(href, at: child); linkRank = rank }
                } else if item.link.isEmpty {
                    let text = child.fieldText(html: false)
                    if !text.isEmpty { item.link = resolved(text, at: child); linkRank = 0 }
                }
            case (.core, "guid"):
                item.id = child.fieldText(html: false)
                if child.attribute("isPermaLink")?.lowercased() != "false",
                   item.id.hasPrefix("http://") || item.id.hasPrefix("https://") { permalink = item.id }
            case (.core, "id"), (.atom, "id"): item.id = child.fieldText(html: false)
            case (.core, "pubDate"), (.core, "published"), (.atom, "published"), (.atom, "issued"): dates.append((0, child.fieldText(html: false)))
            case (.dublinCore, "date"), (.dublinCoreTerms, "issued"), (.dublinCoreTerms, "created"), (.atom, "created"):
                dates.append((1, child.fieldText(html: false)))
            case (.atom, "updated"), (.core, "updated"), (.atom, "modified"), (.dublinCoreTerms, "modified"): dates.append((2, child.fieldText(html: false)))
            case (.core, "description"), (.core, "summary"), (.atom, "summary"):
                item.summary = Self.text(child, atom: namespace == .atom)
            case (.atom, "content"), (.content, "encoded"): item.content = Self.text(child, atom: namespace == .atom)
            case (.core, "category"), (.atom, "category"), (.dublinCore, "subject"):
                let tag = (child.attribute("label") ?? child.attribute("term")).map { FeedText.collapse($0) }
                    ?? child.fieldText(html: true)
                if !tag.isEmpty { item.tags.append(tag) }
            case (.dublinCore, "title"): fallbackTitle = Self.text(child, atom: false)
            case (.dublinCore, "description"), (.itunes, "summary"): fallbackSummary = Self.text(child, atom: false)
            default: break
            }
        }
        if item.title.isEmpty { item.title = fallbackTitle }
        if item.summary.isEmpty, item.content.isEmpty { item.summary = fallbackSummary }
        if item.link.isEmpty, let permalink { item.link = permalink }
        item.dates = dates.sorted { $0.rank < $1.rank }.map(\.text)
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

import Foundation
import HackWatchConfiguration
import HackWatchModel

/// RSS 2.0, RSS 1.0 (RDF) and Atom 1.0, read with `XMLTokenizer` one item at a time.
///
/// Item fields: `title`; `link` (RSS text, Atom `href` of the `alternate` or first link);
/// `guid` / Atom `id` (→ `Incident.id`, else the link, else a name+date hash); `pubDate`,
/// `published`, `dc:date`, `updated` (first that parses, in that order of preference);
/// `category` (RSS text, Atom `term`/`label`) and `dc:subject` → tags; `description`,
/// `summary`, `content`, `content:encoded` → summary with markup stripped.
enum SyndicationFormat {
    static func parse(_ bytes: [UInt8], config: FeedConfig) throws(FeedError) -> FeedParseResult {
        var reader = ItemCollector()
        let summary: XMLTokenizer.Summary
        do throws(XMLTokenizer.Error) {
            summary = try XMLTokenizer.tokenize(bytes) { reader.handle($0) }
        } catch {
            switch error {
            case .tooDeep(let limit): throw .tooDeep(limit: limit)
            case .malformed(let offset, let message): throw .invalidXML("invalid XML at byte \(offset): \(message)")
            }
        }
        guard let root = reader.root else { throw .unexpectedShape("\(config.format.rawValue): empty document") }
        guard ["rss", "rdf", "feed"].contains(root) else {
            throw .unexpectedShape("\(config.format.rawValue): root element is <\(root)>, not <rss>, <rdf:RDF> or <feed>")
        }
        var result = FeedParseResult()
        if summary.sawDoctype {
            result.warnings.append("\(config.name): <!DOCTYPE> ignored; entities it declares are not expanded")
        }
        var records: [(index: Int, incident: Incident)] = []
        for (index, item) in reader.items.enumerated() {
            guard let incident = makeIncident(item, source: config.name) else {
                result.warnings.append("\(config.name): item \(index) skipped: no title, link or summary")
                continue
            }
            records.append((index, incident))
        }
        result.incidents = FeedAssembly.finish(records, feed: config.name, noun: "item", warnings: &result.warnings)
        return result
    }

    static func makeIncident(_ item: RawItem, source: String) -> Incident? {
        let rawTitle = FeedText.stripHTML(item.title)
        let fullSummary = FeedText.stripHTML(item.summary.isEmpty ? item.content : item.summary)
        let link = FeedText.trimmed(item.link)
        guard !rawTitle.isEmpty || !fullSummary.isEmpty || !link.isEmpty else { return nil }
        let title = FeedText.capped(rawTitle.isEmpty ? FeedText.capped(fullSummary, 120) : rawTitle, FeedText.maxTitle)
        let lowerText = FeedText.asciiLowercased(rawTitle + "\n" + fullSummary)
        let name = title.isEmpty ? link : FeedText.name(fromTitle: title)
        var id = FeedText.trimmed(item.id)
        if id.isEmpty { id = link }
        let date = item.dates.lazy.compactMap(FeedDate.parse).first
        return Incident(
            id: id, source: source, name: name, title: title.isEmpty ? nil : title,
            summary: fullSummary.isEmpty ? nil : FeedText.capped(fullSummary, FeedText.maxSummary),
            url: link.isEmpty ? nil : link, date: date,
            loss: (FeedText.usdAmount(in: rawTitle) ?? FeedText.usdAmount(in: fullSummary)).map { Money(usd: $0) },
            bridge: FeedText.mentionsBridge(lowercased: lowerText), attribution: FeedText.attribution(inLowercased: lowerText),
            tags: item.tags)
    }
}

/// One `<item>` / `<entry>` as raw strings (markup still in).
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

/// Turns tokenizer events into `RawItem`s, keeping only the current item's text.
struct ItemCollector {
    private(set) var root: String?
    private(set) var items: [RawItem] = []
    private var current: RawItem?
    /// Element path inside the current item (local names).
    private var path: [String] = []
    /// Where text goes right now, and the buffer.
    private var field: Field?
    private var buffer = ""
    private var pendingDates: [(rank: Int, text: String)] = []
    private var hasAlternate = false

    enum Field { case title, link, id, date(Int), summary, content, tag }

    static func localName(_ name: String) -> String {
        guard let colon = name.lastIndex(of: ":") else { return name.lowercased() }
        return name[name.index(after: colon)...].lowercased()
    }

    mutating func handle(_ event: XMLTokenizer.Event) {
        switch event {
        case .start(let name, let attributes):
            let local = Self.localName(name)
            if root == nil { root = local; return }
            if current == nil {
                if local == "item" || local == "entry" { current = RawItem(); path = []; pendingDates = []; hasAlternate = false }
                return
            }
            path.append(local)
            guard path.count == 1 else { return }  // nested markup (xhtml content) keeps the outer field
            field = nil
            buffer = ""
            switch local {
            case "title": field = .title
            case "link":
                if let href = attributes["href"] {
                    // Atom: the `alternate` link (rel absent means alternate), else any but self/enclosure.
                    let rel = attributes["rel"] ?? "alternate"
                    if rel == "alternate", !hasAlternate {
                        current!.link = href
                        hasAlternate = true
                    } else if current!.link.isEmpty, rel != "self", rel != "enclosure" {
                        current!.link = href
                    }
                } else {
                    field = .link
                }
            case "guid", "id": field = .id
            case "pubdate", "published", "issued": field = .date(0)
            case "date", "created": field = .date(1)
            case "updated", "modified": field = .date(2)
            case "description", "summary": field = .summary
            case "content", "encoded": field = .content
            case "category", "subject":
                if let term = attributes["label"] ?? attributes["term"] {
                    if !term.isEmpty { current!.tags.append(FeedText.collapse(term)) }
                } else {
                    field = .tag
                }
            default: break
            }
        case .text(let text):
            if field != nil { buffer += text }
        case .end(let name):
            guard current != nil else { return }
            if path.isEmpty {
                let local = Self.localName(name)
                guard local == "item" || local == "entry" else { return }
                current!.dates = pendingDates.sorted { $0.rank < $1.rank }.map(\.text)
                items.append(current!)
                current = nil
                return
            }
            path.removeLast()
            guard path.isEmpty, let field else { return }
            commit(field)
            self.field = nil
        }
    }

    private mutating func commit(_ field: Field) {
        switch field {
        case .title: current!.title = buffer
        case .link: if current!.link.isEmpty { current!.link = buffer }
        case .id: current!.id = buffer
        case .date(let rank): pendingDates.append((rank, buffer))
        case .summary: current!.summary = buffer
        case .content: current!.content = buffer
        case .tag:
            let tag = FeedText.collapse(FeedText.decodeEntities(buffer))
            if !tag.isEmpty { current!.tags.append(tag) }
        }
        buffer = ""
    }
}

/// The OFAC SDN list's digital currency addresses.
///
/// SDN.XML (`<sdnList>` of `<sdnEntry>`): each entry has `<firstName>`/`<lastName>` and an
/// `<idList>` of `<id>` elements with `<idType>` and `<idNumber>`; addresses are the ids whose
/// type begins "Digital Currency Address" ("Digital Currency Address - ETH"). Read with the
/// feeds' hardened libxml2 parser (`LibXMLDocument`).
enum SanctionsList {
    /// One listed address.
    struct Address: Hashable, Sendable {
        /// As listed.
        var address: String
        /// The symbol after "Digital Currency Address - " (`ETH`, `XBT`), empty when absent.
        var currency: String
        /// The SDN entry's name ("LAZARUS GROUP"; "first last" for individuals).
        var entity: String
    }

    /// Why the file could not be read.
    enum Error: Swift.Error, CustomStringConvertible {
        /// Not well-formed XML.
        case malformed(String)
        /// Well-formed, but no `<sdnEntry>` at all: probably not the SDN XML.
        case notSDN

        var description: String {
            switch self {
            case .malformed(let message): "not a readable SDN XML file: \(message)"
            case .notSDN: "no <sdnEntry> elements: expected the OFAC SDN XML (SDN.XML)"
            }
        }
    }

    /// Every digital currency address in an SDN.XML body. Read with libxml2 like the feeds (no
    /// network, no DTD loading, no entity substitution: XXE and billion-laughs bodies expand
    /// nothing); unlike a feed, a list with any fault is refused rather than recovered, since a
    /// truncated download would silently drop addresses. A `<!DOCTYPE>` is refused too: the real
    /// list has none, and entities it declares would be left unexpanded.
    static func digitalCurrencyAddresses(inSDN bytes: [UInt8]) throws(Error) -> [Address] {
        let document: LibXMLDocument
        do throws(FeedError) { document = try LibXMLDocument(xml: bytes) } catch { throw .malformed(error.description) }
        let report = document.report
        if report.had_doctype != 0 { throw .malformed("a <!DOCTYPE> is not accepted (its entities would not be expanded)") }
        if report.faults > 0 {
            throw .malformed("line \(report.first_line): \(LibXMLDocument.message(report))")
        }
        guard let root = document.root else { throw .notSDN }
        var result: [Address] = []
        var entries = 0
        // <sdnEntry> elements are the root's children (`<sdnList>`); names directly under the
        // entry (an <aka>'s names are aliases, not the entity), ids under its <idList>.
        let sdnEntries = root.name == "sdnEntry" ? [root] : root.elements.filter { $0.name == "sdnEntry" }
        for current in sdnEntries {
            entries += 1
            var firstName = "", lastName = ""
            var ids: [(type: String, number: String)] = []
            for child in current.elements {
                switch child.name {
                case "firstName": firstName = FeedText.trimmed(child.text)
                case "lastName": lastName = FeedText.trimmed(child.text)
                case "idList":
                    for id in child.elements where id.name == "id" {
                        var idType = "", idNumber = ""
                        for field in id.elements {
                            if field.name == "idType" { idType = FeedText.trimmed(field.text) }
                            if field.name == "idNumber" { idNumber = FeedText.trimmed(field.text) }
                        }
                        ids.append((idType, idNumber))
                    }
                default: break
                }
            }
            let entity = [firstName, lastName].filter { !$0.isEmpty }.joined(separator: " ")
            for id in ids where id.type.hasPrefix("Digital Currency Address") && !id.number.isEmpty {
                let currency = id.type.split(separator: "-", maxSplits: 1).dropFirst().first.map { FeedText.trimmed(String($0)) } ?? ""
                result.append(Address(address: id.number, currency: currency, entity: entity))
            }
        }
        guard entries > 0 else { throw .notSDN }
        return result
    }
}

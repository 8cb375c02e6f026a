/// The OFAC SDN list's digital currency addresses.
///
/// SDN.XML (`<sdnList>` of `<sdnEntry>`): each entry has `<firstName>`/`<lastName>` and an
/// `<idList>` of `<id>` elements with `<idType>` and `<idNumber>`; addresses are the ids whose
/// type begins "Digital Currency Address" ("Digital Currency Address - ETH"). Read with the
/// project's own `XMLTokenizer` (no DTD, no entity expansion) behind `digitalCurrencyAddresses`,
/// the one function to change should the reader become libxml2.
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

    static func digitalCurrencyAddresses(inSDN bytes: [UInt8]) throws(Error) -> [Address] {
        var result: [Address] = []
        var entries = 0
        var path: [String] = []
        var text = ""
        var firstName = "", lastName = ""
        var ids: [(type: String, number: String)] = []
        var idType = "", idNumber = ""
        do {
            _ = try XMLTokenizer.tokenize(bytes) { event in
                switch event {
                case .start(let name, _):
                    let local = String(name.split(separator: ":").last ?? "")
                    path.append(local)
                    text = ""
                    if local == "sdnEntry" { firstName = ""; lastName = ""; ids = []; entries += 1 }
                    if local == "id" { idType = ""; idNumber = "" }
                case .text(let chunk):
                    text += chunk
                case .end:
                    guard let local = path.popLast() else { return }
                    let value = FeedText.trimmed(text)
                    text = ""
                    // Names directly under <sdnEntry>; an <aka>'s names are aliases, not the entity.
                    let parent = path.last
                    switch local {
                    case "firstName" where parent == "sdnEntry": firstName = value
                    case "lastName" where parent == "sdnEntry": lastName = value
                    case "idType" where parent == "id": idType = value
                    case "idNumber" where parent == "id": idNumber = value
                    case "id" where parent == "idList": ids.append((idType, idNumber))
                    case "sdnEntry":
                        let entity = [firstName, lastName].filter { !$0.isEmpty }.joined(separator: " ")
                        for id in ids where id.type.hasPrefix("Digital Currency Address") && !id.number.isEmpty {
                            let currency = id.type.split(separator: "-", maxSplits: 1).dropFirst().first.map { FeedText.trimmed(String($0)) } ?? ""
                            result.append(Address(address: id.number, currency: currency, entity: entity))
                        }
                    default: break
                    }
                }
            }
        } catch {
            switch error {
            case .malformed(let offset, let message): throw .malformed("\(message) at byte \(offset)")
            case .tooDeep(let limit): throw .malformed("elements nested deeper than \(limit)")
            }
        }
        guard entries > 0 else { throw .notSDN }
        return result
    }
}

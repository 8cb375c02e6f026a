/// A deliberately small, non-validating XML tokenizer for hostile feeds (not FoundationXML).
///
/// Security choices (documented in README "Feeds"):
/// - `<!DOCTYPE …>` is skipped whole, internal subset included: no entity is ever declared, so
///   external entities (XXE `SYSTEM "file:///etc/passwd"`) are never fetched and "billion laughs"
///   never expands. A reference to any entity other than the five predefined ones (`&lt; &gt;
///   &amp; &quot; &apos;`) and numeric character references is left in the text literally
///   (`&xxe;`), and `sawDoctype` lets the caller warn.
/// - Element nesting deeper than `maxDepth` is an error (`XMLTokenizer.Error.tooDeep`).
/// - Invalid UTF-8 is replaced with U+FFFD; numeric references to non-characters (0, surrogates,
///   beyond U+10FFFF) become U+FFFD.
/// - Streaming: events are handed to the caller as they are read, so memory stays proportional
///   to the caller's state (one feed item), not to the document.
struct XMLTokenizer {
    /// One piece of the document.
    enum Event {
        /// `<name a="v">` (or `<name/>`, followed at once by `.end`).
        case start(name: String, attributes: [String: String])
        /// `</name>`.
        case end(name: String)
        /// Character data with references decoded, or a CDATA section's raw content.
        case text(String)
    }

    /// Why a document was refused.
    enum Error: Swift.Error, Equatable {
        /// Not well-formed: what and at which byte offset.
        case malformed(offset: Int, message: String)
        /// Elements nested deeper than the limit.
        case tooDeep(limit: Int)
    }

    /// What the caller may want to know after a full pass.
    struct Summary {
        /// The document had a `<!DOCTYPE>` (skipped; its entities were not declared).
        var sawDoctype = false
    }

    static let defaultMaxDepth = 256

    /// Reads the whole document, calling `handle` for each event in order.
    static func tokenize(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth,
                         _ handle: (Event) -> Void) throws(Error) -> Summary {
        let result: Result<Summary, Error> = bytes.withUnsafeBufferPointer { buffer in
            var scanner = XMLScanner(bytes: buffer, maxDepth: maxDepth)
            do throws(Error) {
                try scanner.run(handle)
                return .success(scanner.summary)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Decodes the five predefined entities and numeric character references in `text`, leaving
    /// every other `&name;` as it is (used for attribute values and character data).
    static func decodeReferences(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard bytes.contains(UInt8(ascii: "&")) else { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "&") else { out.append(byte); index += 1; continue }
            var end = index + 1
            while end < bytes.count, end - index <= 12, bytes[end] != UInt8(ascii: ";") { end += 1 }
            guard end < bytes.count, bytes[end] == UInt8(ascii: ";") else { out.append(byte); index += 1; continue }
            let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[(index + 1)..<end]), as: UTF8.self)
            if let scalar = predefined(name) {
                out.append(contentsOf: String(scalar).utf8)
                index = end + 1
            } else {
                out.append(byte)  // unknown entity: left literally, never expanded
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `lt`… or `#NN` / `#xHH`; nil for any other name.
    static func predefined(_ name: String) -> Unicode.Scalar? {
        switch name {
        case "lt": return "<"
        case "gt": return ">"
        case "amp": return "&"
        case "quot": return "\""
        case "apos": return "'"
        default:
            guard name.hasPrefix("#") else { return nil }
            let digits = name.dropFirst()
            let value: UInt32?
            if digits.first == "x" || digits.first == "X" {
                value = UInt32(digits.dropFirst(), radix: 16)
            } else {
                value = UInt32(digits, radix: 10)
            }
            guard let value else { return nil }
            guard value != 0, let scalar = Unicode.Scalar(value) else { return "\u{FFFD}" }
            return scalar
        }
    }
}

private struct XMLScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var index = 0
    var open: [String] = []
    var summary = XMLTokenizer.Summary()

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    func fail(_ message: String, at offset: Int? = nil) -> XMLTokenizer.Error {
        .malformed(offset: offset ?? index, message: message)
    }

    mutating func run(_ handle: (XMLTokenizer.Event) -> Void) throws(XMLTokenizer.Error) {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        var sawRoot = false
        while index < bytes.count {
            if bytes[index] != UInt8(ascii: "<") {
                let start = index
                while index < bytes.count, bytes[index] != UInt8(ascii: "<") { index += 1 }
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
                if open.isEmpty {
                    guard slice.allSatisfy(Self.isSpace) else {
                        throw fail("text outside the root element", at: start)
                    }
                } else {
                    handle(.text(XMLTokenizer.decodeReferences(slice)))
                }
                continue
            }
            if startsWith("<!--") {
                try skip(past: "-->", what: "comment")
            } else if startsWith("<![CDATA[") {
                guard !open.isEmpty else { throw fail("CDATA outside the root element") }
                let start = index + 9
                try skip(past: "]]>", what: "CDATA section")
                handle(.text(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<(index - 3)]), as: UTF8.self)))
            } else if startsWith("<?") {
                try skip(past: "?>", what: "processing instruction")
            } else if startsWith("<!") {
                guard !sawRoot else { throw fail("declaration inside the document") }
                try skipDeclaration()
            } else if startsWith("</") {
                try endTag(handle)
                if open.isEmpty { sawRoot = true }
            } else {
                guard !(sawRoot && open.isEmpty) else { throw fail("a second root element") }
                try startTag(handle)
                if open.isEmpty { sawRoot = true }
            }
        }
        if let innermost = open.last { throw fail("unexpected end of document inside <\(innermost)>") }
        guard sawRoot else { throw fail("no root element") }
    }

    func startsWith(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        for offset in 0..<count where bytes[index + offset] != literal.utf8Start[offset] { return false }
        return true
    }

    mutating func skip(past terminator: StaticString, what: String) throws(XMLTokenizer.Error) {
        let start = index
        index += 2
        while index < bytes.count {
            if startsWith(terminator) { index += terminator.utf8CodeUnitCount; return }
            index += 1
        }
        throw fail("unterminated \(what)", at: start)
    }

    /// `<!DOCTYPE …>` with an optional `[ internal subset ]`, skipped without interpretation;
    /// quoted strings and comments inside may contain `>` and `]`.
    mutating func skipDeclaration() throws(XMLTokenizer.Error) {
        let start = index
        summary.sawDoctype = true
        index += 2
        var bracket = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                index += 1
                while index < bytes.count, bytes[index] != byte { index += 1 }
            case UInt8(ascii: "<") where startsWith("<!--"):
                try skip(past: "-->", what: "comment")
                continue
            case UInt8(ascii: "["): bracket += 1
            case UInt8(ascii: "]"): bracket -= 1
            case UInt8(ascii: ">") where bracket <= 0:
                index += 1
                return
            default: break
            }
            index += 1
        }
        throw fail("unterminated <!DOCTYPE>", at: start)
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ">"), UInt8(ascii: "/"), UInt8(ascii: "="),
             UInt8(ascii: "<"), UInt8(ascii: "\""), UInt8(ascii: "'"): false
        default: true
        }
    }

    mutating func name() throws(XMLTokenizer.Error) -> String {
        let start = index
        while index < bytes.count, Self.isNameByte(bytes[index]) { index += 1 }
        guard index > start else { throw fail("expected a name") }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    mutating func skipSpace() {
        while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
    }

    mutating func startTag(_ handle: (XMLTokenizer.Event) -> Void) throws(XMLTokenizer.Error) {
        let tagStart = index
        index += 1
        let element = try name()
        var attributes: [String: String] = [:]
        while true {
            skipSpace()
            guard index < bytes.count else { throw fail("unterminated tag <\(element)>", at: tagStart) }
            if bytes[index] == UInt8(ascii: ">") {
                index += 1
                try push(element)
                handle(.start(name: element, attributes: attributes))
                return
            }
            if startsWith("/>") {
                index += 2
                try push(element)
                handle(.start(name: element, attributes: attributes))
                open.removeLast()
                handle(.end(name: element))
                return
            }
            let attribute = try name()
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else {
                throw fail("attribute '\(attribute)' without a value")
            }
            index += 1
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
                throw fail("attribute '\(attribute)' value not quoted")
            }
            let quote = bytes[index]
            index += 1
            let valueStart = index
            while index < bytes.count, bytes[index] != quote {
                guard bytes[index] != UInt8(ascii: "<") else { throw fail("'<' in attribute value") }
                index += 1
            }
            guard index < bytes.count else { throw fail("unterminated attribute value", at: valueStart) }
            attributes[attribute] = XMLTokenizer.decodeReferences(UnsafeBufferPointer(rebasing: bytes[valueStart..<index]))
            index += 1
        }
    }

    mutating func push(_ element: String) throws(XMLTokenizer.Error) {
        guard open.count < maxDepth else { throw .tooDeep(limit: maxDepth) }
        open.append(element)
    }

    mutating func endTag(_ handle: (XMLTokenizer.Event) -> Void) throws(XMLTokenizer.Error) {
        let tagStart = index
        index += 2
        let element = try name()
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ">") else { throw fail("unterminated end tag", at: tagStart) }
        index += 1
        guard let expected = open.last else { throw fail("end tag </\(element)> without a start", at: tagStart) }
        guard expected == element else {
            throw fail("end tag </\(element)> does not match <\(expected)>", at: tagStart)
        }
        open.removeLast()
        handle(.end(name: element))
    }
}

/// An RFC 6901 JSON Pointer: `""` is the whole document, `/a/0/b~1c` walks member `a`, element 0,
/// member `b/c` (`~1` is `/`, `~0` is `~`).
///
/// Extension: a `*` token on an array stands for every element (`/transactions/*/attacker` is
/// each transaction's attacker), read with `resolveAll`. On an object `*` stays the member named
/// `*`, as RFC 6901 says.
package struct JSONPointer: Hashable, Sendable, CustomStringConvertible {
    /// The unescaped reference tokens.
    package let tokens: [String]
    /// The pointer as written.
    package let description: String

    /// Why a pointer string is invalid.
    package enum Error: Swift.Error, Equatable, Sendable, CustomStringConvertible {
        /// A non-empty pointer must start with `/`.
        case missingLeadingSlash(String)
        /// `~` followed by something other than `0` or `1`.
        case badEscape(String)

        package var description: String {
            switch self {
            case .missingLeadingSlash(let text): "invalid JSON Pointer '\(text)': must be empty or start with '/'"
            case .badEscape(let text): "invalid JSON Pointer '\(text)': '~' must be followed by 0 or 1"
            }
        }
    }

    /// Parses `text`; throws on a missing leading `/` or a bad `~` escape.
    package init(_ text: String) throws(Error) {
        description = text
        guard !text.isEmpty else { tokens = []; return }
        guard text.hasPrefix("/") else { throw .missingLeadingSlash(text) }
        var tokens: [String] = []
        for raw in text.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            var token = ""
            var iterator = raw.makeIterator()
            while let character = iterator.next() {
                guard character == "~" else { token.append(character); continue }
                switch iterator.next() {
                case "0": token.append("~")
                case "1": token.append("/")
                default: throw .badEscape(text)
                }
            }
            tokens.append(token)
        }
        self.tokens = tokens
    }

    /// The value the pointer designates in `document`, or nil when any step is missing.
    /// Array indexes are decimal without leading zeros; `-` (one past the end) designates nothing.
    package func resolve(in document: JSONValue) -> JSONValue? {
        var current = document
        for token in tokens {
            switch current {
            case .object(let members):
                guard let next = members[token] else { return nil }
                current = next
            case .array(let elements):
                guard let index = Self.arrayIndex(token), index < elements.count else { return nil }
                current = elements[index]
            default:
                return nil
            }
        }
        return current
    }

    /// True when some token is `*`: the pointer may designate several values (`resolveAll`).
    package var hasWildcard: Bool { tokens.contains("*") }

    /// Every value the pointer designates: `*` on an array fans out to each element (missing
    /// steps below an element are skipped, not an error); without `*`, `resolve`'s one value.
    package func resolveAll(in document: JSONValue) -> [JSONValue] {
        var current = [document]
        for token in tokens {
            var next: [JSONValue] = []
            for value in current {
                switch value {
                case .object(let members):
                    if let member = members[token] { next.append(member) }
                case .array(let elements):
                    if token == "*" { next.append(contentsOf: elements) }
                    else if let index = Self.arrayIndex(token), index < elements.count { next.append(elements[index]) }
                default:
                    continue
                }
            }
            current = next
        }
        return current
    }

    private static func arrayIndex(_ token: String) -> Int? {
        guard !token.isEmpty, token.allSatisfy({ $0.isASCII && $0.isNumber }),
              token == "0" || !token.hasPrefix("0") else { return nil }
        return Int(token)
    }
}

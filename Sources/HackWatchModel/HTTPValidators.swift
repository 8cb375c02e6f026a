import Foundation

/// Cache validators of a response, kept per feed for conditional GET.
package struct HTTPValidators: Hashable, Sendable, Codable {
    package var etag: String?
    package var lastModified: String?
    package init(etag: String? = nil, lastModified: String? = nil) {
        self.etag = etag
        self.lastModified = lastModified
    }
    package var isEmpty: Bool { etag == nil && lastModified == nil }
}

/// The header-name rule, shared by the config (feed `headers`, checked at load) and the HTTP client
/// (every request, before sending).
package enum HTTPToken {
    /// Whether `name` is an RFC 9110 token, as a header name must be: ASCII letters, digits and
    /// ``!#$%&'*+-.^_`|~``, at least one.
    package static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9": true
            default: tokenPunctuation.contains(scalar)
            }
        }
    }

    private static let tokenPunctuation = Set("!#$%&'*+-.^_`|~".unicodeScalars)
}

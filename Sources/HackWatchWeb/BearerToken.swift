import Foundation

/// The write endpoints' bearer token.
package struct BearerToken: Sendable {
    private let bytes: [UInt8]

    /// A token; surrounding whitespace is not part of it.
    package init(_ token: String) {
        bytes = Array(token.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
    }

    /// Whether an `Authorization` header value is `Bearer <this token>`. The comparison takes the
    /// same time wherever the first difference is (no timing oracle); only the length leaks.
    package func accepts(authorization: String?) -> Bool {
        guard let authorization, authorization.count > 7,
              authorization.prefix(7).lowercased() == "bearer " else { return false }
        let given = Array(authorization.dropFirst(7).trimmingCharacters(in: .whitespaces).utf8)
        return Self.constantTimeEqual(given, bytes)
    }

    /// Compares every byte of the longer input whatever the contents.
    package static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        if a.count != b.count { difference |= 1 }
        let length = max(a.count, b.count)
        for index in 0..<length {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0 && !b.isEmpty
    }
}

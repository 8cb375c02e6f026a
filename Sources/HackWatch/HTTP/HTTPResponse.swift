/// A completed HTTP exchange (any status; the caller decides what a status means).
public struct HTTPResponse: Sendable {
    /// Status code (200 for a `file://` read).
    public var status: Int
    /// Headers of the final response (after redirects), in order, trimmed.
    public var headers: [(name: String, value: String)]
    /// The body, at most the request's `maxBodyBytes`.
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first header named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// True for 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }
    /// True for 304 Not Modified.
    public var isNotModified: Bool { status == 304 }

    /// The validators this response offers for the next conditional GET.
    public var validators: HTTPValidators {
        HTTPValidators(etag: header("ETag"), lastModified: header("Last-Modified"))
    }

    /// The body as UTF-8 text (invalid sequences replaced).
    public var text: String { String(decoding: body, as: UTF8.self) }
}

import Foundation

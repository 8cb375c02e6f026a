/// A completed HTTP exchange (any status; the caller decides what a status means).
package struct HTTPResponse: Sendable {
    /// Status code (200 for a `file://` read).
    package var status: Int
    /// Headers of the final response (after redirects), in order, trimmed.
    package var headers: [(name: String, value: String)]
    /// The body, at most the request's `maxBodyBytes`.
    package var body: [UInt8]

    package init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first header named `name` (case-insensitive).
    package func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// True for 2xx.
    package var isSuccess: Bool { (200..<300).contains(status) }
    /// True for 304 Not Modified.
    package var isNotModified: Bool { status == 304 }

    /// The validators this response offers for the next conditional GET.
    package var validators: HTTPValidators {
        HTTPValidators(etag: header("ETag"), lastModified: header("Last-Modified"))
    }

    /// The body as UTF-8 text (invalid sequences replaced).
    package var text: String { String(decoding: body, as: UTF8.self) }
}

import Foundation
import HackWatchModel

import Foundation
import Testing
import TestSupport
@testable import HackWatchConfiguration
@testable import HackWatchFeeds
@testable import HackWatchModel

/// A body hashing as the last one processed is not parsed again (a server without validators,
/// or one whose ETag changes on every response).
@Suite struct FeedBodyHashTests {
    static let body = #"[{"date":1647993600,"name":"Ronin Bridge","amount":624000000},{"name":"","date":1}]"#

    func fetched(_ outcome: FeedFetchOutcome) -> FeedParseResult? {
        if case .fetched(let result, _, _) = outcome { return result }
        return nil
    }

    @Test func sameBodyIsNotParsedTwice() throws {
        let server = try LoopbackHTTPServer { _ in .text(Self.body, headers: [("ETag", "\"\(UUID())\"")]) }
        defer { server.stop() }
        let config = FeedConfig(name: "llama", url: server.url("/hacks"), format: .defillama)
        let first = try #require(fetched(try FeedFetcher().fetch(config, validators: nil)))
        #expect(first.incidents.map(\.name) == ["Ronin Bridge"] && first.warnings.count == 1 && !first.bodyUnchanged)
        let hash = try #require(first.bodyHash)
        #expect(hash.count == 16)

        let again = try #require(fetched(try FeedFetcher().fetch(config, validators: nil, previousBodyHash: hash)))
        #expect(again.bodyUnchanged && again.incidents.isEmpty && again.warnings.isEmpty && again.bodyHash == hash)

        // Other settings may read the same bytes differently: the hash covers them.
        var renamed = config
        renamed.name = "llama2"
        let other = try #require(fetched(try FeedFetcher().fetch(renamed, validators: nil, previousBodyHash: hash)))
        #expect(!other.bodyUnchanged && other.incidents.map(\.source) == ["llama2"] && other.bodyHash != hash)
    }

    @Test func changedBodyIsParsed() throws {
        let bodies = LockedCounter()
        let server = try LoopbackHTTPServer { _ in
            let n = bodies.next()
            return .text("[{\"date\":1647993600,\"name\":\"Hack \(n)\"}]")
        }
        defer { server.stop() }
        let config = FeedConfig(name: "llama", url: server.url("/hacks"), format: .defillama)
        let first = try #require(fetched(try FeedFetcher().fetch(config, validators: nil)))
        let second = try #require(fetched(try FeedFetcher().fetch(config, validators: nil, previousBodyHash: first.bodyHash)))
        #expect(!second.bodyUnchanged && second.incidents.map(\.name) == ["Hack 1"] && second.bodyHash != first.bodyHash)
    }
}

private final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.withLock { defer { value += 1 }; return value } }
}

import Foundation
import Testing
import TestSupport
@testable import HackWatchConfiguration
@testable import HackWatchFeeds
@testable import HackWatchModel
@testable import HackWatchHTTP

/// FeedFetcher against a real loopback HTTP server and real files.
@Suite struct FeedFetcherTests {
    static let body = #"[{"date":1647993600,"name":"Ronin Bridge","amount":624000000,"chain":["Ethereum"],"bridgeHack":true}]"#
    let fetcher = FeedFetcher()

    func feed(_ url: String, format: FeedFormat = .defillama, maxBytes: Int = 10 << 20,
              headers: [String: String] = [:], timeout: Double = 5) -> FeedConfig {
        FeedConfig(name: "llama", url: url, format: format, timeout: TimeSpan(seconds: timeout),
                   maxBytes: maxBytes, headers: headers)
    }

    @Test func conditionalGetRoundTrip() throws {
        let server = try LoopbackHTTPServer { request in
            if request.header("If-None-Match") == "\"v1\"" { return .status(304) }
            return .text(Self.body, headers: [("ETag", "\"v1\""), ("Last-Modified", "Wed, 23 Mar 2022 10:00:00 GMT")])
        }
        let config = feed(server.url("/hacks"), headers: ["X-Api-Key": "k"])
        guard case .fetched(let result, let validators, let bytes) = try fetcher.fetch(config, validators: nil) else {
            Issue.record("expected a fetched body"); return
        }
        #expect(result.incidents.map(\.name) == ["Ronin Bridge"])
        #expect(result.incidents.first?.source == "llama")
        #expect(validators == HTTPValidators(etag: "\"v1\"", lastModified: "Wed, 23 Mar 2022 10:00:00 GMT"))
        #expect(bytes == Self.body.utf8.count)

        let second = try fetcher.fetch(config, validators: validators)
        guard case .notModified = second else { Issue.record("expected notModified, got \(second)"); return }

        let requests = server.requests
        #expect(requests.count == 2)
        #expect(requests[0].header("If-None-Match") == nil)
        #expect(requests[0].header("X-Api-Key") == "k")
        #expect(requests[0].header("Accept")?.contains("application/json") == true)
        #expect(requests[0].header("User-Agent") == "hackwatch/\(HTTPClient.version)")
        #expect(requests[1].header("If-None-Match") == "\"v1\"")
        #expect(requests[1].header("If-Modified-Since") == "Wed, 23 Mar 2022 10:00:00 GMT")
    }

    @Test func responseWithoutValidatorsGivesEmptyOnes() throws {
        let server = try LoopbackHTTPServer { _ in .text(Self.body) }
        guard case .fetched(_, let validators, _) = try fetcher.fetch(feed(server.url("/")), validators: nil) else {
            Issue.record("expected a fetched body"); return
        }
        #expect(validators.isEmpty)
    }

    @Test func configuredAcceptWins() throws {
        let server = try LoopbackHTTPServer { _ in .text(Self.body) }
        _ = try fetcher.fetch(feed(server.url("/"), headers: ["accept": "text/plain"]), validators: nil)
        #expect(server.requests.first?.headerValues("Accept") == ["text/plain"])
    }

    @Test(arguments: [404, 500, 503, 429, 403])
    func nonSuccessStatusIsAnError(code: Int) throws {
        let server = try LoopbackHTTPServer { _ in .text("nope", status: code) }
        #expect(throws: FeedFetchError.status(code)) { try fetcher.fetch(feed(server.url("/x")), validators: nil) }
        #expect(FeedFetchError.status(code).isTransient == (code >= 500 || code == 429))
        #expect(FeedFetchError.status(code).description == "HTTP status \(code)")
    }

    @Test func bodyOverMaxBytesIsRefused() throws {
        let server = try LoopbackHTTPServer { _ in .huge(bytes: 50 << 20, framing: .chunked) }
        let config = feed(server.url("/big"), maxBytes: 1 << 20)  // a small limit; the 10 MiB default: FeedHostileInputTests
        #expect(throws: FeedFetchError.http(.tooLarge(url: "http://127.0.0.1:\(server.port)/…", limit: 1 << 20))) {
            try fetcher.fetch(config, validators: nil)
        }
    }

    @Test func unparsableBodyIsAParseError() throws {
        let server = try LoopbackHTTPServer { _ in .text("<html>maintenance</html>") }
        do {
            _ = try fetcher.fetch(feed(server.url("/"), format: .auto), validators: nil)
            Issue.record("expected a parse error")
        } catch {
            guard case .parse = error else { Issue.record("expected .parse, got \(error)"); return }
            #expect(error.description == "cannot parse feed: cannot tell the feed's format: an HTML page: set format \"html\" with items_xpath and an XPath mapping")
            #expect(!error.isTransient)
        }
    }

    /// Query strings and paths carry API keys; headers carry tokens: none reach the message.
    @Test func errorsCarryNoSecrets() throws {
        let server = try LoopbackHTTPServer { _ in .delayed(seconds: 5, then: .text("[]")) }
        let config = feed(server.url("/feed/SECRETPATH?api_key=SECRETKEY"), headers: ["Authorization": "Bearer SECRETTOKEN"],
                          timeout: 0.3)
        do {
            _ = try fetcher.fetch(config, validators: nil)
            Issue.record("expected a timeout")
        } catch {
            #expect(error == .http(.timeout(url: "http://127.0.0.1:\(server.port)/…", seconds: 0.3)))
            for secret in ["SECRETPATH", "SECRETKEY", "SECRETTOKEN"] {
                #expect(!error.description.contains(secret))
                #expect(!"\(error)".contains(secret))
            }
            #expect(error.isTransient)
        }
        server.stop()
        let refused = feed("http://user:SECRETPASS@127.0.0.1:\(server.port)/x?token=SECRETKEY")
        do {
            _ = try fetcher.fetch(refused, validators: nil)
            Issue.record("expected a connect error")
        } catch {
            #expect(!error.description.contains("SECRET"))
        }
    }

    @Test func localFileWithOwnValidators() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("hacks file.json")
        try Self.body.write(to: file, atomically: true, encoding: .utf8)
        let config = feed(file.absoluteString)
        #expect(config.url.hasPrefix("file:///") && config.url.contains("%20"))
        guard case .fetched(let result, let validators, let bytes) = try fetcher.fetch(config, validators: nil) else {
            Issue.record("expected a fetched body"); return
        }
        #expect(result.incidents.count == 1)
        #expect(bytes == Self.body.utf8.count)
        #expect(validators.etag != nil && validators.lastModified?.hasSuffix(" GMT") == true)
        guard case .notModified = try fetcher.fetch(config, validators: validators) else {
            Issue.record("an untouched file is not modified"); return
        }
        // Changed content (and size): fetched again with new validators.
        try (Self.body.dropLast() + #",{"date":1659312000,"name":"Nomad","amount":190000000}]"#)
            .write(to: file, atomically: true, encoding: .utf8)
        guard case .fetched(let changed, let newValidators, _) = try fetcher.fetch(config, validators: validators) else {
            Issue.record("a changed file is fetched"); return
        }
        #expect(changed.incidents.map(\.name) == ["Ronin Bridge", "Nomad"])
        #expect(newValidators != validators)
    }

    @Test func localFileOverLimitIsRefusedBeforeReading() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("big.json")
        // Sparse 50 MB file: refused from its size alone.
        #expect(FileManager.default.createFile(atPath: file.path, contents: nil))
        let handle = try FileHandle(forWritingTo: file)
        try handle.truncate(atOffset: 50 << 20)
        try handle.close()
        #expect(throws: FeedFetchError.http(.tooLarge(url: file.absoluteString, limit: 10 << 20))) {
            try fetcher.fetch(feed(file.absoluteString), validators: nil)
        }
    }

    @Test(arguments: ["file://otherhost/etc/feed.json", "file://"])
    func remoteOrEmptyFileURLIsInvalid(url: String) {
        #expect(throws: FeedFetchError.http(.invalidURL(url))) { try fetcher.fetch(feed(url), validators: nil) }
    }

    @Test func missingLocalFile() throws {
        let config = feed("file:///nonexistent/hackwatch/feed.json")
        #expect(throws: FeedFetchError.http(.transport(url: "file:///nonexistent/hackwatch/feed.json", code: 37,
                                                        detail: "cannot read: No such file or directory"))) {
            try fetcher.fetch(config, validators: nil)
        }
        #expect(throws: FeedFetchError.http(.transport(url: "file:///tmp", code: 37, detail: "not a regular file"))) {
            try fetcher.fetch(feed("file:///tmp"), validators: nil)
        }
    }

    /// A POST feed (BlockSec, De.Fi GraphQL): method, body with its placeholders expanded at
    /// each poll, secret headers from a file; no conditional headers on a POST.
    @Test func postWithBodyPlaceholdersAndSecretHeaders() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let headers = dir.appendingPathComponent("defi.headers")
        try "# De.Fi\nX-Api-Key: s3cr3t-key\n\nX-Extra: two words\n".write(to: headers, atomically: true, encoding: .utf8)
        let server = try LoopbackHTTPServer { _ in .text(#"{"list": [{"project": "StablR", "date": 1779573360000}]}"#, headers: [("ETag", "\"e\"")]) }
        var config = FeedConfig(name: "bs", url: server.url("/api"), format: .json, mapping: ["name": "/project", "date": "/date"],
                                itemsPointer: "/list")
        config.method = "POST"
        config.body = .text(#"{"page": 1, "until": {{now_ms}}, "day": "{{today}}"}"#)
        config.secretHeaders = .file(headers.path)
        let before = Date().timeIntervalSince1970 * 1000
        guard case .fetched(let result, let validators, _) = try fetcher.fetch(config, validators: nil) else {
            Issue.record("expected a body"); return
        }
        #expect(result.incidents.map(\.name) == ["StablR"])
        _ = try fetcher.fetch(config, validators: validators)
        let requests = server.requests
        #expect(requests.count == 2)
        let first = try #require(requests.first)
        #expect(first.method == "POST")
        #expect(first.header("X-Api-Key") == "s3cr3t-key")
        #expect(first.header("X-Extra") == "two words")
        #expect(first.header("Content-Type") == "application/json")
        #expect(requests[1].header("If-None-Match") == nil)
        let sent = try #require(JSONValue.parse(first.body).objectValue)
        let until = try #require(sent["until"]?.numberValue)
        #expect(until >= before.rounded(.down) && until <= Date().timeIntervalSince1970 * 1000)
        #expect(sent["day"]?.stringValue == Incident.formatDay(Date()))
        #expect(sent["page"] == .number(1))
    }

    @Test func secretHeadersFromTheEnvironmentAsJSON() throws {
        let config = FeedConfig(name: "d", url: "https://x.example/graphql", format: .json)
        var withEnv = config
        withEnv.secretHeaders = .environment("DEFI_HEADERS")
        let request = try FeedFetcher.request(for: withEnv, now: Date(), environment: ["DEFI_HEADERS": #"{"X-Api-Key": "k-123"}"#])
        #expect(request.headers.contains { $0.name == "X-Api-Key" && $0.value == "k-123" })
        #expect(request.method == .get && request.body == nil)
    }

    /// Errors name the variable or file and the line, never a header's value.
    @Test(arguments: [
        ([:], "cannot build the request: headers: environment variable H is not set"),
        (["H": "X-Api-Key s3cr3t"], "cannot build the request: headers in $H: line 1 is not 'Name: value'"),
        (["H": "Bad Name: s3cr3t"], "cannot build the request: headers in $H: invalid header name"),
        (["H": #"{"X-Api-Key": 5}"#], "cannot build the request: headers in $H: header 'X-Api-Key' is not a string"),
        (["H": #"{"X-Api-Key": "s3cr3t"#], "cannot build the request: headers in $H: not a JSON object of strings"),
    ])
    func secretHeaderErrors(environment: [String: String], message: String) {
        var config = FeedConfig(name: "d", url: "https://x.example/graphql", format: .json)
        config.secretHeaders = .environment("H")
        do {
            _ = try FeedFetcher.request(for: config, now: Date(), environment: environment)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == message)
            #expect(!error.description.contains("s3cr3t"))
        }
    }

    @Test func bodyPlaceholders() {
        let now = Date(timeIntervalSince1970: 1_717_243_200.5)
        #expect(FeedFetcher.expand("{{now_ms}} {{now}} {{now_iso}} {{today}} { query { x } }", now: now)
            == "1717243200500 1717243200 2024-06-01T12:00:00Z 2024-06-01 { query { x } }")
    }
}

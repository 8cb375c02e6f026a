import Foundation
import Synchronization
import Testing
import TestSupport
@testable import HackWatchHTTP
@testable import HackWatchModel

/// The libcurl client against a real HTTP server on 127.0.0.1.
@Suite struct HTTPClientTests {
    let client = HTTPClient()

    /// Sends and returns the typed error, or nil when the request succeeded.
    func failure(_ request: HTTPRequest) -> HTTPError? {
        do {
            _ = try client.send(request)
            return nil
        } catch {
            return error
        }
    }

    @Test func getReturnsStatusHeadersBodyAndSendsUserAgent() throws {
        let server = try LoopbackHTTPServer { _ in .text("[1,2]", headers: [("Content-Type", "application/json"), ("X-Multi", "a"), ("X-Multi", "b")]) }
        let response = try client.send(HTTPRequest(url: server.url("/hacks"), headers: [("Accept", "application/json"), ("X-Api-Key", "k1")]))
        #expect(response.status == 200 && response.isSuccess)
        #expect(response.text == "[1,2]")
        #expect(response.header("content-type") == "application/json")
        #expect(response.headers.filter { $0.name == "X-Multi" }.map(\.value) == ["a", "b"])
        let request = try #require(server.requests.first)
        #expect(request.method == "GET")
        #expect(request.header("User-Agent") == "hackwatch/\(HTTPClient.version)")
        #expect(request.header("Accept") == "application/json")
        #expect(request.header("X-Api-Key") == "k1")
    }

    /// The config accepts any finite duration (`"timeout": 1e300`): libcurl gets the longest
    /// timeout it takes instead of the process trapping on the conversion to milliseconds.
    @Test func absurdTimeoutsAreClamped() throws {
        let server = try LoopbackHTTPServer { _ in .text("ok") }
        let forever = TimeSpan(seconds: 1e300)
        let response = try client.send(HTTPRequest(url: server.url("/"), connectTimeout: forever, timeout: forever))
        #expect(response.text == "ok")
    }

    @Test func conditionalGetSendsValidatorsAndReports304() throws {
        let etag = "\"v42\"", modified = "Wed, 21 Oct 2015 07:28:00 GMT"
        let server = try LoopbackHTTPServer { request in
            if request.header("If-None-Match") == etag && request.header("If-Modified-Since") == modified {
                return .status(304, headers: [("ETag", etag)])
            }
            return .text("fresh", headers: [("ETag", etag), ("Last-Modified", modified)])
        }
        let first = try client.send(HTTPRequest(url: server.url("/feed")))
        #expect(first.status == 200 && first.text == "fresh")
        #expect(first.validators == HTTPValidators(etag: etag, lastModified: modified))

        var again = HTTPRequest(url: server.url("/feed"))
        again.addValidators(first.validators)
        let second = try client.send(again)
        #expect(second.status == 304 && second.isNotModified && !second.isSuccess)
        #expect(second.body.isEmpty)
        #expect(server.requests.last?.header("If-None-Match") == etag)
        #expect(server.requests.last?.header("If-Modified-Since") == modified)
    }

    @Test(arguments: [404, 500, 503])
    func errorStatusesAreResponsesNotErrors(status: Int) throws {
        let server = try LoopbackHTTPServer { _ in .text("nope \(status)", status: status) }
        let response = try client.send(HTTPRequest(url: server.url("/x")))
        #expect(response.status == status && !response.isSuccess)
        #expect(response.text == "nope \(status)")
    }

    @Test func slowServerTimesOut() throws {
        let server = try LoopbackHTTPServer { _ in .delayed(seconds: 30, then: .text("late")) }
        let error = failure(HTTPRequest(url: server.url("/slow?token=SECRET"), timeout: TimeSpan(seconds: 0.5)))
        #expect(error == .timeout(url: "\(server.baseURL)/…", seconds: 0.5))
        #expect(error?.isTransient == true)
    }

    @Test func unansweredConnectHitsTheConnectTimeout() throws {
        let blackhole = try LoopbackBlackhole()
        let error = failure(HTTPRequest(url: blackhole.url("/"), connectTimeout: TimeSpan(seconds: 0.3), timeout: TimeSpan(seconds: 20)))
        #expect(error == .timeout(url: "http://127.0.0.1:\(blackhole.port)/…", seconds: 0.3))
    }

    /// A total timeout shorter than the (default, 10 s) connect timeout ends the connect too.
    @Test func unansweredConnectHitsAShorterTotalTimeout() throws {
        let blackhole = try LoopbackBlackhole()
        let started = Date()
        let error = failure(HTTPRequest(url: blackhole.url("/"), timeout: TimeSpan(seconds: 0.3)))
        #expect(error == .timeout(url: "http://127.0.0.1:\(blackhole.port)/…", seconds: 0.3))
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test func slowDripBodyHitsTheTotalTimeout() throws {
        // Bytes keep arriving, so only the total timeout (not an idle one) can end this.
        let server = try LoopbackHTTPServer { _ in
            .stream(status: 200, headers: [], bytes: 1000, chunkSize: 10, pause: 0.2, framing: .contentLength)
        }
        #expect(failure(HTTPRequest(url: server.url("/drip"), timeout: TimeSpan(seconds: 1))) == .timeout(url: "\(server.baseURL)/…", seconds: 1))
    }

    /// 2 GiB announced or streamed: the client stops at its limit instead of buffering it.
    @Test(arguments: [BodyFraming.contentLength, .chunked, .untilClose])
    func bodyOverTheLimitAborts(framing: BodyFraming) throws {
        let server = try LoopbackHTTPServer { _ in .huge(bytes: 2 << 30, framing: framing) }
        let request = HTTPRequest(url: server.url("/huge"), timeout: TimeSpan(seconds: 60), maxBodyBytes: 1 << 20)
        let error = failure(request)
        #expect(error == .tooLarge(url: "\(server.baseURL)/…", limit: 1 << 20))
        #expect(error?.description == "\(server.baseURL)/…: response body larger than 1048576 bytes; aborted")
        #expect(error?.isTransient == false)
    }

    @Test func bodyExactlyAtTheLimitIsAccepted() throws {
        let server = try LoopbackHTTPServer { _ in .huge(bytes: 4096, framing: .chunked) }
        let response = try client.send(HTTPRequest(url: server.url("/"), maxBodyBytes: 4096))
        #expect(response.body.count == 4096)
    }

    @Test func redirectsAreFollowedUpToTheLimit() throws {
        let server = try LoopbackHTTPServer { request in
            switch request.path {
            case "/old": .redirect(to: "/new")
            case "/new": .text("moved here")
            default: .redirect(to: request.path == "/a" ? "/b" : "/a")  // a loop
            }
        }
        let moved = try client.send(HTTPRequest(url: server.url("/old")))
        #expect(moved.status == 200 && moved.text == "moved here")
        #expect(server.requests.map(\.path) == ["/old", "/new"])

        let loop = failure(HTTPRequest(url: server.url("/a"), maxRedirects: 3))
        #expect(loop == .tooManyRedirects(url: "\(server.baseURL)/…", limit: 3))
        #expect(server.requests.count == 2 + 4)  // the first request and three followed redirects

        let unfollowed = try client.send(HTTPRequest(url: server.url("/old"), maxRedirects: 0))
        #expect(unfollowed.status == 302 && unfollowed.header("Location") == "/new")
    }

    @Test func redirectToAFileURLIsRefused() throws {
        let server = try LoopbackHTTPServer { _ in .redirect(to: "file:///etc/passwd") }
        let error = try #require(failure(HTTPRequest(url: server.url("/"))))
        guard case .invalidURL = error else {
            Issue.record("expected invalidURL, got \(error)")
            return
        }
    }

    @Test func concurrentRequestsFromSeveralThreads() throws {
        let server = try LoopbackHTTPServer { request in .text("echo \(request.path)") }
        let results = Mutex<[String: String]>([:])
        let client = self.client
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for i in 0..<10 {
                let path = "/t\(thread)/r\(i)"
                let text = (try? client.send(HTTPRequest(url: server.url(path))))?.text ?? "failed"
                results.withLock { $0[path] = text }
            }
        }
        let all = results.withLock { $0 }
        #expect(all.count == 80)
        #expect(all.allSatisfy { $0.value == "echo \($0.key)" })
        #expect(server.requests.count == 80)
    }

    @Test func postSendsBodyAndHeaders() throws {
        let server = try LoopbackHTTPServer { request in
            .response(status: 200, headers: [("X-Echo-Type", request.header("Content-Type") ?? "-")], body: request.body)
        }
        let body: [UInt8] = Array(#"{"text":"hi"}"#.utf8) + [0, 255, 10]
        let response = try client.send(HTTPRequest(url: server.url("/hook"), method: .post,
                                                   headers: [("Content-Type", "application/json"), ("webhook-id", "msg_1")], body: body))
        #expect(response.body == body)
        #expect(response.header("X-Echo-Type") == "application/json")
        let recorded = try #require(server.requests.first)
        #expect(recorded.method == "POST")
        #expect(recorded.body == body)
        #expect(recorded.header("Content-Length") == String(body.count))
        #expect(recorded.header("webhook-id") == "msg_1")
        #expect(recorded.header("Expect") == nil)  // no 100-continue round trip
    }

    static let injectedHeaders: [(String, String)] = [
        ("X-Title", "hack\r\nX-Injected: 1"), ("X-Title", "line\nbreak"), ("Bad Name", "v"), ("", "v"), ("X-Nul", "a\0b"),
    ]

    @Test(arguments: injectedHeaders)
    func headerInjectionIsRefusedBeforeSending(name: String, value: String) throws {
        let server = try LoopbackHTTPServer()
        let error = failure(HTTPRequest(url: server.url("/"), headers: [("Accept", "*/*"), (name, value)]))
        #expect(error == .invalidHeader(name: name))
        #expect(server.requests.isEmpty)
    }

    @Test func emptyPostIsStillAPost() throws {
        let server = try LoopbackHTTPServer { _ in .status(204) }
        let response = try client.send(HTTPRequest(url: server.url("/"), method: .post))
        #expect(response.status == 204)
        #expect(server.requests.first?.method == "POST")
        #expect(server.requests.first?.header("Content-Length") == "0")
    }

    @Test func fileURLsReadLocalFeeds() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("feed.json")
        try Data("[{\"name\":\"x\"}]".utf8).write(to: file)
        let response = try client.send(HTTPRequest(url: file.absoluteString))
        #expect(response.status == 200)
        #expect(response.text == "[{\"name\":\"x\"}]")
        #expect(failure(HTTPRequest(url: file.absoluteString, maxBodyBytes: 4)) == .tooLarge(url: file.absoluteString, limit: 4))
        let missing = try #require(failure(HTTPRequest(url: file.absoluteString + ".missing")))
        #expect(missing.description.contains("feed.json.missing"))
    }

    @Test func connectionFailuresAreTyped() throws {
        let reset = try LoopbackHTTPServer { _ in .reset }
        let silent = try LoopbackHTTPServer { _ in .closeWithoutResponse }
        for server in [reset, silent] {
            let error = try #require(failure(HTTPRequest(url: server.url("/"))))
            guard case .connect = error else {
                Issue.record("expected .connect, got \(error)")
                continue
            }
            #expect(error.isTransient)
        }
        let gone = try LoopbackHTTPServer()
        gone.stop()
        let refused = try #require(failure(HTTPRequest(url: gone.url("/"))))
        #expect(refused.description.hasPrefix("\(gone.baseURL)/…: cannot connect: "))
    }

    @Test(.enabled(if: TLSTestServer.opensslPath != nil, "needs the openssl binary"))
    func tlsIsVerifiedAndACustomCAFileIsTrusted() throws {
        let server = try TLSTestServer()
        // Self-signed: refused by default, then accepted once its certificate is the CA file.
        for caFile in [nil, "/nonexistent/ca.pem"] {
            let error = try #require(failure(HTTPRequest(url: server.url("/feed?key=SECRET"), timeout: TimeSpan(seconds: 10), caFile: caFile)))
            guard case .tls(let url, _) = error else {
                Issue.record("expected .tls, got \(error)")
                continue
            }
            #expect(url == "https://127.0.0.1:\(server.port)/…")
            #expect(!error.isTransient)
        }
        let trusted = try client.send(HTTPRequest(url: server.url("/"), timeout: TimeSpan(seconds: 10), caFile: server.certificatePath))
        #expect(trusted.status == 200)
        // The client-wide CA file (config `ca_file`) applies to requests that name none.
        let clientWide = try HTTPClient(caFile: server.certificatePath).send(HTTPRequest(url: server.url("/"), timeout: TimeSpan(seconds: 10)))
        #expect(clientWide.status == 200)
    }

    /// libcurl reads `http_proxy`/`no_proxy` itself. The environment is process-wide, so this runs
    /// in a child process (an exit test) where setting it cannot disturb other tests.
    @Test func proxyComesFromTheEnvironment() async {
        await #expect(processExitsWith: .success) {
            guard let proxy = try? LoopbackHTTPServer(handler: { request in .text("via proxy \(request.target)") }) else { exit(2) }
            setenv("http_proxy", proxy.baseURL, 1)
            setenv("no_proxy", "", 1)
            let response = try? HTTPClient().send(HTTPRequest(url: "http://feed.example.invalid/hacks?x=1"))
            exit(response?.text == "via proxy http://feed.example.invalid/hacks?x=1" ? 0 : 1)
        }
    }

    static let unsupportedURLs = ["ftp://example.org/x", "gopher://h/", "/etc/passwd", "javascript:alert(1)"]

    @Test(arguments: unsupportedURLs)
    func onlyHTTPHTTPSAndFileSchemes(url: String) throws {
        let error = try #require(failure(HTTPRequest(url: url)))
        #expect(error == .invalidURL(URLRedaction.redact(url)))
    }
}

/// Secrets in URLs (webhook tokens in paths and queries, userinfo) never reach error text.
@Suite struct URLRedactionTests {
    static let cases: [(String, String)] = [
        ("https://hooks.slack.com/services/T0/B0/SECRET", "https://hooks.slack.com/…"),
        ("https://discord.com/api/webhooks/1/SECRET?wait=true", "https://discord.com/…"),
        ("https://user:SECRET@example.org/x", "https://example.org/…"),
        ("http://127.0.0.1:8080?token=SECRET", "http://127.0.0.1:8080/…"),
        ("http://example.org", "http://example.org"),
        ("file:///var/lib/feed.json", "file:///var/lib/feed.json"),
        ("not a url SECRET", "<url>"),
    ]

    @Test(arguments: cases)
    func redacts(url: String, expected: String) {
        #expect(URLRedaction.redact(url) == expected)
    }

    @Test func redactsEveryURLInFreeText() {
        #expect(URLRedaction.redactURLs(in: "Issue another request to this URL: 'https://h.example/a/SECRET?x=1' was http://u:SECRET@g.example:81/p")
            == "Issue another request to this URL: 'https://h.example/…' was http://g.example:81/…")
        #expect(URLRedaction.redactURLs(in: "no urls :// here") == "no urls :// here")
    }

    @Test func transportErrorsCarryNoSecret() throws {
        let slow = try LoopbackHTTPServer { _ in .delayed(seconds: 30, then: .text("late")) }
        let gone = try LoopbackHTTPServer()
        gone.stop()
        let secret = "/services/T000/B000/XXXXSECRETXXXX?token=TOPSECRET"
        let requests = [
            HTTPRequest(url: slow.url(secret), timeout: TimeSpan(seconds: 0.3)),
            HTTPRequest(url: "http://user:TOPSECRET@127.0.0.1:\(gone.port)\(secret)"),
            HTTPRequest(url: "http://no-such-host.invalid\(secret)", timeout: TimeSpan(seconds: 5)),
            HTTPRequest(url: "ftp://127.0.0.1\(secret)"),
        ]
        for request in requests {
            do {
                _ = try HTTPClient().send(request)
                Issue.record("expected an error")
            } catch {
                let text = "\(error) \(error.description) \(String(reflecting: error))"
                #expect(!text.contains("SECRET"), "leaked: \(text)")
            }
        }
    }
}

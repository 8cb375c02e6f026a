import Foundation
import Synchronization
import Testing
import TestSupport
@testable import HackWatchHTTP

/// The test server itself: other areas rely on it, so its behaviour is pinned here.
@Suite struct LoopbackServerTests {
    let client = HTTPClient()

    @Test func recordsRequestAndAnswersThroughHandler() throws {
        let server = try LoopbackHTTPServer { request in
            request.path == "/feed" ? .text("hello \(request.query ?? "")", headers: [("X-Test", "1")]) : .status(404)
        }
        let response = try client.send(HTTPRequest(url: server.url("/feed?a=1&b=2"), headers: [("X-Custom", "yes")]))
        #expect(response.status == 200)
        #expect(response.text == "hello a=1&b=2")
        #expect(response.header("x-test") == "1")
        let missing = try client.send(HTTPRequest(url: server.url("/other")))
        #expect(missing.status == 404)

        let recorded = server.requests
        #expect(recorded.count == 2)
        #expect(recorded.first?.method == "GET")
        #expect(recorded.first?.path == "/feed")
        #expect(recorded.first?.query == "a=1&b=2")
        #expect(recorded.first?.header("x-CUSTOM") == "yes")
        #expect(recorded.last?.path == "/other")
        #expect(recorded.last?.query == nil)
    }

    @Test func recordsPostBody() throws {
        let server = try LoopbackHTTPServer { .response(status: 201, headers: [], body: $0.body) }
        let body: [UInt8] = [0, 1, 2, 0, 255]
        let response = try client.send(HTTPRequest(url: server.url("/hook"), method: .post, body: body))
        #expect(response.status == 201)
        #expect(response.body == body)
        #expect(server.requests.first?.body == body)
        #expect(server.requests.first?.method == "POST")
    }

    @Test func stopClosesListenerAndWakesHangingConnections() throws {
        let server = try LoopbackHTTPServer { _ in .hang }
        let url = server.url("/")
        let finished = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<HTTPResponse, HTTPError>?>(nil)
        Thread.detachNewThread {
            let result = Result { () throws(HTTPError) in try HTTPClient().send(HTTPRequest(url: url)) }
            outcome.withLock { $0 = result }
            finished.signal()
        }
        #expect(server.waitForRequests(1))
        server.stop()
        finished.wait()
        // The hanging exchange ends (without a response) once the server stops.
        #expect(throws: HTTPError.self) { try outcome.withLock { $0 }?.get() }
        // Nothing listens any more.
        #expect(throws: HTTPError.self) { try client.send(HTTPRequest(url: url)) }
    }

    @Test func absoluteFormTargetKeepsPathAndQuery() {
        let request = RecordedRequest(method: "GET", target: "http://feeds.example/hacks?x=1", headers: [], body: [])
        #expect(request.path == "/hacks")
        #expect(request.query == "x=1")
        let bare = RecordedRequest(method: "GET", target: "http://feeds.example", headers: [], body: [])
        #expect(bare.path == "/")
    }
}

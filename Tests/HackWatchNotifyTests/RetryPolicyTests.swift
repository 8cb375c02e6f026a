import Foundation
import Testing
@testable import HackWatchHTTP
@testable import HackWatchNotify

@Suite struct RetryPolicyTests {
    @Test func backoffDoublesToTheCapWithJitterBelowTheBase() {
        let policy = RetryPolicy(initialDelay: 2, multiplier: 2, maxDelay: 300, jitter: 0.2)
        #expect((1...10).map { policy.delay(afterAttempts: $0, hint: nil, random: 0) } == [2, 4, 8, 16, 32, 64, 128, 256, 300, 300])
        #expect(policy.delay(afterAttempts: 3, hint: nil, random: 1) == 8 * 0.8)
        for _ in 0..<100 {
            let d = policy.delay(afterAttempts: 4, hint: nil)
            #expect(d >= 16 * 0.8 && d <= 16)
        }
    }

    @Test func hintsWinButAreCapped() {
        let policy = RetryPolicy.default
        #expect(policy.delay(afterAttempts: 1, hint: 30) == 30)
        #expect(policy.delay(afterAttempts: 9, hint: 0.5) == 0.5)
        #expect(policy.delay(afterAttempts: 1, hint: 999_999) == 3600)
    }

    @Test(arguments: [
        ("120", 120.0), ("0", 0), (" 5 ", 5), ("-3", 0),
        ("Wed, 21 Oct 2015 07:28:30 GMT", 30), ("Wednesday, 21-Oct-15 07:28:30 GMT", 30), ("Wed Oct 21 07:28:30 2015", 30),
        ("Wed, 21 Oct 2015 07:27:00 GMT", 0),
    ])
    func retryAfterForms(value: String, seconds: Double) {
        let now = HTTPVerdict.parseHTTPDate("Wed, 21 Oct 2015 07:28:00 GMT")!
        #expect(HTTPVerdict.retryAfter(value, now: now) == seconds)
    }

    @Test func unreadableRetryAfterIsIgnored() {
        #expect(HTTPVerdict.retryAfter("soon", now: Date()) == nil)
    }

    @Test(arguments: [
        (200, true), (202, true), (204, true),
    ])
    func successes(status: Int, _: Bool) {
        #expect(HTTPVerdict.standard(HTTPResponse(status: status, headers: [], body: [])) == .delivered)
    }

    @Test(arguments: [408, 425, 429, 500, 502, 503, 504])
    func retryable(status: Int) {
        guard case .retry = HTTPVerdict.standard(HTTPResponse(status: status, headers: [], body: [])) else {
            Issue.record("\(status) should retry"); return
        }
    }

    @Test(arguments: [301, 400, 401, 403, 404, 410, 413, 422])
    func permanent(status: Int) {
        #expect(HTTPVerdict.standard(HTTPResponse(status: status, headers: [], body: [])) == .dead(reason: "HTTP \(status)"))
    }

    @Test func transportErrorsSplitIntoTransientAndPermanent() {
        #expect(HTTPVerdict.transport(.timeout(url: "https://h/…", seconds: 15)) == .retry(after: nil, reason: "https://h/…: timed out after 15s"))
        #expect(HTTPVerdict.transport(.tls(url: "https://h/…", detail: "bad cert")) == .dead(reason: "https://h/…: TLS error: bad cert"))
    }

    @Test func expiry() {
        let policy = RetryPolicy(giveUpAfter: 60)
        let fired = Date(timeIntervalSince1970: 1000)
        #expect(!policy.isExpired(firedAt: fired, now: Date(timeIntervalSince1970: 1059)))
        #expect(policy.isExpired(firedAt: fired, now: Date(timeIntervalSince1970: 1060)))
    }
}

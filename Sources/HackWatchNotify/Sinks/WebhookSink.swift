import Foundation
import HackWatchHTTP
import HackWatchModel

/// A generic JSON webhook (`AlertPayload`), signed per the Standard Webhooks spec when a
/// `secret` (`whsec_…`) is configured: `webhook-id` (the alert id, the same on every retry so
/// receivers can deduplicate), `webhook-timestamp` (fresh per attempt) and
/// `webhook-signature: v1,<base64 HMAC-SHA256>`.
package struct WebhookSink: HTTPSink {
    let endpoint: HTTPEndpoint
    let signer: WebhookSigner?

    package init(endpoint: HTTPEndpoint, signer: WebhookSigner? = nil) {
        self.endpoint = endpoint
        self.signer = signer
    }

    func request(for alert: Alert, now: Date) -> HTTPRequest {
        let body = AlertPayload.bodyBytes(for: alert)
        let timestamp = Int(now.timeIntervalSince1970)
        var headers: [(name: String, value: String)] = [("webhook-id", alert.id), ("webhook-timestamp", String(timestamp))]
        if let signer {
            headers.append(("webhook-signature", signer.signature(id: alert.id, timestamp: timestamp, body: body)))
        }
        return jsonRequest(bytes: body, headers: headers)
    }
}

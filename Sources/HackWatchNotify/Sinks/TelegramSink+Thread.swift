import Foundation
import HackWatchHTTP
import HackWatchModel

/// Threads an incident's updates as replies to its first message: `sendMessage` answers
/// `{"ok": true, "result": {"message_id": 42}}`; updates carry `reply_parameters:
/// {"message_id": 42, "allow_sending_without_reply": true}` (a deleted first message does not
/// stop the update).
extension TelegramSink {
    package func send(_ alert: Alert, thread: String?) -> SinkReply {
        let now = Date()
        do {
            let response = try endpoint.client.send(request(for: alert, thread: thread))
            let result = verdict(for: response, now: now)
            guard result == .delivered else { return SinkReply(result) }
            let id = (try? JSONValue.parse(response.body))?["result"]?["message_id"]?.numberValue
            return SinkReply(result, reference: id.map { String(Int($0)) })
        } catch {
            return SinkReply(HTTPVerdict.transport(error))
        }
    }

    /// `sendMessage`, a reply to `thread` (the first message's id) when there is one.
    func request(for alert: Alert, thread: String?) -> HTTPRequest {
        var payload = Self.payload(for: alert, chatID: chatID)
        if let thread, let messageID = Int(thread), case .object(var members) = payload {
            members["reply_parameters"] = .object(["message_id": .number(Double(messageID)),
                                                   "allow_sending_without_reply": .bool(true)])
            payload = .object(members)
        }
        return jsonRequest(payload.serialized())
    }

    func requests(for alert: Alert, thread: String?, now: Date) -> [HTTPRequest] { [request(for: alert, thread: thread)] }
}

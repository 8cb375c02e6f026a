import Foundation
import HackWatchHTTP
import HackWatchModel
import HackWatchTemplates

/// Updates on Discord: the first message (its id from the `?wait=true` answer) is edited in
/// place with the new facts — `PATCH {webhook}/messages/{id}` — and a short follow-up says
/// what changed and links to it (`https://discord.com/channels/{guild}/{channel}/{id}`; the
/// guild comes from `GET {webhook}`, asked once per first message, since the message object
/// does not carry it). Without a stored id (the first message failed), the update is a new
/// message naming the first. The stored reference is `id` or `id/channel/guild`.
extension DiscordSink {
    package func send(_ alert: Alert, thread: String?) -> SinkReply {
        let now = Date()
        do {
            guard alert.isUpdate, let thread, let head = thread.split(separator: "/").first, head.allSatisfy(\.isNumber) else {
                let response = try endpoint.client.send(request(for: alert, now: now))
                let result = verdict(for: response, now: now)
                guard result == .delivered, !alert.isUpdate,
                      let message = (try? JSONValue.parse(response.body)), let id = message["id"]?.stringValue else { return SinkReply(result) }
                return SinkReply(result, reference: reference(id: id, channel: message["channel_id"]?.stringValue))
            }
            let (edit, followUp) = updateRequests(for: alert, thread: thread)
            let edited = verdict(for: try endpoint.client.send(edit), now: now)
            // A first message deleted by a moderator (404) is not a reason to lose the update.
            if case .retry = edited { return SinkReply(edited) }
            return SinkReply(verdict(for: try endpoint.client.send(followUp), now: now))
        } catch {
            return SinkReply(HTTPVerdict.transport(error))
        }
    }

    func requests(for alert: Alert, thread: String?, now: Date) -> [HTTPRequest] {
        guard alert.isUpdate, let thread, let head = thread.split(separator: "/").first, head.allSatisfy(\.isNumber) else {
            return [request(for: alert, now: now)]
        }
        let (edit, followUp) = updateRequests(for: alert, thread: thread)
        return [edit, followUp]
    }

    /// An update's two requests: the edit of the first message (`thread`: `id` or
    /// `id/channel/guild`) and the follow-up saying what changed.
    func updateRequests(for alert: Alert, thread: String) -> (edit: HTTPRequest, followUp: HTTPRequest) {
        let parts = thread.split(separator: "/").map(String.init)
        let messageID = parts[0]
        // The edit: the first message now shows the incident as it stands (still headed as
        // the first alert, so the channel's top message reads as the story's current state).
        var current = alert
        current.revision = 0
        current.changes = []
        let edit = HTTPRequest(url: Self.messageURL(endpoint.url, id: messageID), method: .patch,
                               headers: [("Content-Type", "application/json; charset=utf-8")],
                               body: Array(Self.payload(for: current, username: username).serialized().utf8),
                               connectTimeout: TimeSpan(seconds: min(10, endpoint.timeout.seconds)), timeout: endpoint.timeout,
                               maxBodyBytes: 64 << 10, maxRedirects: 0)
        let separator = endpoint.url.contains("?") ? "&" : "?"
        let link = parts.count == 3 ? "https://discord.com/channels/\(parts[2])/\(parts[1])/\(messageID)" : nil
        let followUp = jsonRequest(Self.followUp(for: alert, link: link, username: username).serialized(),
                                   url: endpoint.url + separator + "wait=true")
        return (edit, followUp)
    }

    /// `id/channel/guild` when the webhook tells its guild (`GET` on the webhook URL), else `id`.
    func reference(id: String, channel: String?) -> String {
        guard let channel, channel.allSatisfy(\.isNumber), !channel.isEmpty else { return id }
        let base = endpoint.url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? endpoint.url
        let lookup = HTTPRequest(url: base, method: .get, connectTimeout: TimeSpan(seconds: min(10, endpoint.timeout.seconds)),
                                 timeout: endpoint.timeout, maxBodyBytes: 64 << 10, maxRedirects: 0)
        guard let response = try? endpoint.client.send(lookup), response.isSuccess,
              let guild = (try? JSONValue.parse(response.body))?["guild_id"]?.stringValue, !guild.isEmpty,
              guild.allSatisfy(\.isNumber) else { return id }
        return "\(id)/\(channel)/\(guild)"
    }

    /// `https://discord.com/api/webhooks/{id}/{token}/messages/{message}` keeping the webhook
    /// URL's query (`thread_id=` for forum channels).
    static func messageURL(_ webhook: String, id: String) -> String {
        let parts = webhook.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var base = String(parts[0])
        if base.hasSuffix("/") { base.removeLast() }
        return base + "/messages/" + id + (parts.count > 1 ? "?" + parts[1] : "")
    }

    /// The short follow-up: what changed, and that the message above was edited.
    static func followUp(for alert: Alert, link: String?, username: String?) -> JSONValue {
        let line = SafeText.fit(SafeText.singleLine(MessageTemplate.updateLine(for: alert)), limit: 1800, escape: .markdown)
        // The link is built from numeric ids only, so it needs no escaping.
        let pointer = link.map { " — first message (updated): \($0)" } ?? " (first message updated above)"
        var body: [String: JSONValue] = [
            "content": .string(line + pointer),
            "allowed_mentions": .object(["parse": .array([])]),
        ]
        if let username { body["username"] = .string(SafeText.fit(SafeText.singleLine(username), limit: 80)) }
        return .object(body)
    }
}

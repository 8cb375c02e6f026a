import Foundation
import HackWatchConfiguration
import HackWatchHTTP
import HackWatchModel

/// Slack with a bot token (`token_file` + `channel`): `chat.postMessage` instead of an incoming
/// webhook, so updates are replies in the first message's thread (`thread_ts` = the `ts` the
/// first post returned). The same blocks as `SlackSink`. `url`, when given, is the Web API base
/// (default `https://slack.com/api`). Slack answers 200 with `{"ok": false, "error": …}` for
/// bad tokens or channels (dead, the error named) and 429 with `Retry-After` when limited.
package struct SlackBotSink: HTTPSink {
    let endpoint: HTTPEndpoint
    /// The bot token (`xoxb-…`). Secret: never logged.
    let token: String
    /// A channel id (`C0123…`) or name.
    let channel: String

    /// The Slack Web API base.
    static let defaultAPI = "https://slack.com/api"
    /// The sink keys of the bot variant.
    static let keys: Set<String> = ["token_file", "channel"]

    static func isBot(_ config: SinkConfig) -> Bool { config.type == "slack" && config.settings["token_file"] != nil }

    /// `token_file` and `channel` come together.
    static func problems(_ config: SinkConfig) -> [String] {
        guard config.type == "slack" else { return [] }
        var problems: [String] = []
        let file = config.settings["token_file"], channel = config.settings["channel"]
        if let file, file.stringValue?.isEmpty ?? true { problems.append("token_file: expected a file path") }
        if let channel, channel.stringValue?.isEmpty ?? true { problems.append("channel: expected a channel id or name") }
        if (file == nil) != (channel == nil) { problems.append("channel: a Slack bot token needs both token_file and channel") }
        return problems
    }

    static func make(_ config: SinkConfig, endpoint: HTTPEndpoint, environment: [String: String]) throws(SinkError) -> SlackBotSink {
        let path = config.settings["token_file"]?.stringValue ?? ""
        let token: String
        do { token = try SecretSource.file(path).resolve(environment: environment) } catch { throw .secret(sink: config.name, error: error) }
        var endpoint = endpoint
        let base = endpoint.url.hasSuffix("/") ? String(endpoint.url.dropLast()) : endpoint.url
        endpoint.url = base + "/chat.postMessage"
        return SlackBotSink(endpoint: endpoint, token: token, channel: config.settings["channel"]?.stringValue ?? "")
    }

    func request(for alert: Alert, now: Date) -> HTTPRequest { request(for: alert, thread: nil) }

    func requests(for alert: Alert, thread: String?, now: Date) -> [HTTPRequest] {
        [request(for: alert, thread: alert.isUpdate ? thread : nil)]
    }

    func request(for alert: Alert, thread: String?) -> HTTPRequest {
        guard case .object(var body) = SlackSink.payload(for: alert) else { return jsonRequest("{}") }
        body["channel"] = .string(channel)
        if let thread { body["thread_ts"] = .string(thread) }
        return jsonRequest(JSONValue.object(body).serialized(), headers: [("Authorization", "Bearer \(token)")])
    }

    func verdict(for response: HTTPResponse, now: Date) -> SinkResult {
        let standard = HTTPVerdict.standard(response, now: now)
        guard standard == .delivered else { return standard }
        let body = try? JSONValue.parse(response.body)
        if body?["ok"]?.boolValue == true { return .delivered }
        let error = body?["error"]?.stringValue.map { SafeText.fit(SafeText.singleLine($0), limit: 100) } ?? "no ok in answer"
        return .dead(reason: "slack: \(error)")
    }

    package func send(_ alert: Alert, thread: String?) -> SinkReply {
        let now = Date()
        do {
            let response = try endpoint.client.send(request(for: alert, thread: alert.isUpdate ? thread : nil))
            let result = verdict(for: response, now: now)
            guard result == .delivered, !alert.isUpdate else { return SinkReply(result) }
            return SinkReply(result, reference: (try? JSONValue.parse(response.body))?["ts"]?.stringValue)
        } catch {
            return SinkReply(HTTPVerdict.transport(error))
        }
    }
}

import Foundation
import Testing
import TestSupport
import HackWatchFixtures
@testable import HackWatchModel
@testable import HackWatchNotify
@testable import HackWatchStore

/// Issue 19's pin: the bytes every destination receives for a fixed set of alerts, recorded on
/// the code before the rendering rewrite (buffers, escaping while writing, ASCII fast paths,
/// payloads rendered once). Each case is the SHA-256 of what a real loopback receiver got —
/// method, target, headers (but `Host`, whose port varies, libcurl's `User-Agent`/`Accept*`
/// (version and build), and the per-attempt `webhook-timestamp`/`webhook-signature`, pinned
/// separately with a fixed clock) and body.
///
/// To see the bytes behind a digest, run with `HACKWATCH_GOLDEN_DUMP=/some/folder`: each case
/// is written there as a file, so two builds can be diffed.
@Suite struct PayloadGoldenTests {
    static let firedAt = Date(timeIntervalSince1970: 1_700_000_000)

    /// The fixed alerts: realistic, hostile, an update, a custom template, sparse and non-ASCII
    /// text, every escaped ASCII character, and long ASCII (truncation on the fast path).
    static let alerts: [(name: String, alert: Alert)] = {
        var cases: [(String, Alert)] = []
        cases.append(("ronin", NotifyFixtures.alert(firedAt: firedAt)))
        cases.append(("hostile", NotifyFixtures.hostileAlert()))

        var update = NotifyFixtures.alert(firedAt: firedAt.addingTimeInterval(3600))
        update.story = Alert.storyID(incidentID: update.incident.id, source: update.incident.source)
        update.id = Alert.revisionID(story: update.story, revision: 2)
        update.revision = 2
        update.rules = ["mega-loss", "bridge"]
        update.incident.sources = ["defillama", "rekt"]
        update.changes = [AlertChange(field: "loss", from: "$540M", to: "$624M"),
                          AlertChange(field: "sources", from: nil, to: "defillama, rekt <b>")]
        update.storyStarted = firedAt
        update.storyHeadline = "[CRITICAL] Ronin: $540M stolen"
        cases.append(("update", update))

        cases.append(("template", NotifyFixtures.alert(
            template: "{{severity_upper}} {{name}} lost {{loss_human}} <{{url}}> {{#bridge}}bridge{{/bridge}} {{#chain_list}}[{{.}}]{{/chain_list}} @here & {{{title}}}",
            firedAt: firedAt)))

        var sparse = Incident(id: "sparse-1", source: "rss", name: "Ünïcode 協議 🚀 a@b.org ＠here @channel")
        sparse.summary = "e\u{301}tale\u{0}\u{7}\u{85} 👩‍👩‍👧 \u{2028}line\u{2029}sep \u{FEFF}bom\ttab\nnew"
        cases.append(("sparse", Alert(rule: "any", severity: .info, incident: sparse, firedAt: firedAt)))

        var markup = Incident(id: "markup-1", source: "json", name: #"A&B <Protocol> "quoted" 'single' back\slash *star* _under_ ~tilde~ `tick` |pipe| #hash !bang [x](y)"#,
                              title: "Mail ops@example.org, user@here, @all hands; 50% {braces} ^caret$",
                              url: "https://example.org/a path?b=1&c=<2>#frag", date: firedAt,
                              loss: Money(usd: 1234.5678), returned: Money(usd: 12.5),
                              chains: ["BSC", "", "\u{202E}"], technique: "Flash\r\nLoan", target: "  ")
        markup.summary = String(repeating: "ab&<>\"\\", count: 3)
        cases.append(("markup", Alert(rule: "r&d", severity: .medium, incident: markup, firedAt: firedAt)))

        let long = String(repeating: "The quick brown fox jumps over the lazy dog & <friends>. ", count: 200)
        var big = NotifyFixtures.incident("long-1", name: String(long.prefix(400)), title: long)
        big.summary = long
        cases.append(("long", Alert(rule: "long", severity: .low, incident: big, firedAt: firedAt)))
        return cases
    }()

    /// What a receiver got, as one text: a request per paragraph.
    static func transcript(_ requests: [RecordedRequest]) -> [UInt8] {
        let skipped: Set<String> = ["host", "user-agent", "accept", "accept-encoding", "webhook-timestamp", "webhook-signature"]
        var out: [UInt8] = []
        for request in requests {
            out += Array("\(request.method) \(request.target)\n".utf8)
            for header in request.headers where !skipped.contains(header.name.lowercased()) {
                out += Array("\(header.name): \(header.value)\n".utf8)
            }
            out += Array("\n".utf8) + request.body + Array("\n\n".utf8)
        }
        return out
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    static func check(_ name: String, _ bytes: [UInt8]) {
        if let folder = ProcessInfo.processInfo.environment["HACKWATCH_GOLDEN_DUMP"] {
            try? Data(bytes).write(to: URL(fileURLWithPath: folder).appendingPathComponent(name))
        }
        let digest = hex(SHA256.hash(bytes))
        #expect(golden[name] == digest, "\(name): \(bytes.count) bytes, sha256 \(digest)")
    }

    @Test(arguments: HTTPSinkKind.allCases)
    func destinationsReceiveThePinnedBytes(kind: HTTPSinkKind) throws {
        let server = try LoopbackHTTPServer { request in SinkThreadTests.reply(kind, request) }
        defer { server.stop() }
        let sink = try kind.make(server)
        for (name, alert) in Self.alerts {
            let before = server.requests.count
            let reply = sink.send(alert, thread: alert.isUpdate ? thread(kind) : nil)
            #expect(reply.result == .delivered, "\(kind) \(name)")
            Self.check("\(kind.rawValue)-\(name)", Self.transcript(Array(server.requests.dropFirst(before))))
        }
    }

    /// Discord answers a thread reference with a message id; Slack's webhook has no threads.
    func thread(_ kind: HTTPSinkKind) -> String { kind == .discord ? "998877" : "4242" }

    @Test func webhookSignatureAndTimestampArePinnedUnderAFixedClock() throws {
        let server = try LoopbackHTTPServer { _ in .text("ok") }
        defer { server.stop() }
        let sink = try #require(try HTTPSinkKind.webhook.make(server) as? WebhookSink)
        for (name, alert) in Self.alerts {
            let request = sink.request(for: alert, now: Date(timeIntervalSince1970: 1_700_000_123))
            let headers = request.headers.map { "\($0.name): \($0.value)\n" }.joined()
            Self.check("webhook-signed-\(name)", Array(headers.utf8) + (request.body ?? []))
        }
    }

    /// The stdout/webhook document and both syslog forms, without a network.
    @Test func payloadDocumentAndSyslogLinesArePinned() {
        let now = Date(timeIntervalSince1970: 1_700_000_321)
        for (name, alert) in Self.alerts {
            Self.check("payload-\(name)", Array(AlertPayload.body(for: alert).utf8))
            Self.check("payload-stdout-\(name)", Array(AlertPayload.body(for: alert, sinkType: "stdout").utf8))
            Self.check("rfc5424-\(name)", Array(SyslogFormat.rfc5424(alert, facility: 1, hostname: "host", procID: 42, now: now).utf8))
            // RFC 3164 stamps local time: pinned where the tests run, in UTC.
            if TimeZone.current.secondsFromGMT(for: now) == 0 {
                Self.check("rfc3164-\(name)", Array(SyslogFormat.rfc3164(alert, facility: 1, hostname: "host", procID: 42, now: now).utf8))
            }
        }
    }

    /// A retry after a restart renders from the outbox row: the same bytes as the first attempt.
    @Test func storedAlertsRenderTheSameBytes() throws {
        for (name, alert) in Self.alerts {
            let restored = try Alert(stored: JSONValue.parse(alert.storedJSON.serialized()))
            #expect(AlertPayload.body(for: restored) == AlertPayload.body(for: alert), "\(name)")
        }
    }

    /// SHA-256 per case, recorded before the rewrite. The webhook/stdout cases were re-recorded
    /// when the merge of issue 16 added its incident fields (`exposure`, `defillama_id`, …) to
    /// the payload; the bytes differ from the earlier ones by exactly those members.
    static let golden: [String: String] = [
        "discord-hostile": "021906b23b2b612ed5bc41f00188f4dd357394a58cb7c3c0583b243a386cb830",  // 6553 bytes
        "discord-long": "c416cb94d94838a11a905bc415e812780920a98b94027b94227dd243373d9037",  // 5836 bytes
        "discord-markup": "a43aca5474fe144735418e231783d1b33042e42d67e38e80a884fed9f758f6cc",  // 1347 bytes
        "discord-ronin": "28cede1a28155054167c0f3db84dbeef83ad2013ef8c194ec68be76b949a1cfc",  // 932 bytes
        "discord-sparse": "6e89129a6ca464c164efb8ad43ef35689ab02fefb87b5c2fa961e5c552ccc13e",  // 613 bytes
        "discord-template": "8e153e3eabb8870b66ab96aec8c4e98f0af4540ed58b71d856e95ae0d7309528",  // 931 bytes
        "discord-update": "d945622184b0df88c76b13dd8a4d8470a51724989c4ea670e461e1abb708cd01",  // 1242 bytes
        "mattermost-hostile": "2462c26f26967612ab855864efae00903e8a1b4cc05057fef6552e7daf921b0b",  // 20880 bytes
        "mattermost-long": "c258271b4d7fe5d858e1170cb827ed05ac5d42f0d34a0d8de977116a46843624",  // 13418 bytes
        "mattermost-markup": "3f2ba65cff843e90d28fe010a3bc1bc56c5ac196d10c048ff3bd0449f02a16f0",  // 833 bytes
        "mattermost-ronin": "696e3d8c638fb8870ce21a77e2d4913079933df7d7285ce01118fe75ac74ea29",  // 545 bytes
        "mattermost-sparse": "3d39f71b4c1fdaa902f724be21d13ba79ca783cb495ad754e7ce9953c216b682",  // 318 bytes
        "mattermost-template": "f2eed11a53fa7868dd49d7cf4ab03b49f3c651f37e7e46c02e856dbe80b24410",  // 544 bytes
        "mattermost-update": "be16850244d24db3b44996e06e2859963e8984bcdf85406ae05968c981820d2a",  // 710 bytes
        "ntfy-hostile": "40081ec706d2ad3dd869f0374ee334321f12c2c9a75176c0ee96c2034adfc3ce",  // 4501 bytes
        "ntfy-long": "80d340df2920170a4d457bb5a5f63f4fab081dadb3b6304d4c0013f09cdf01ff",  // 4537 bytes
        "ntfy-markup": "1883bb8aa79cde715782bbe4f1a7f7c768fcfc03ce66740d7a360d710ac2bbe8",  // 683 bytes
        "ntfy-ronin": "49d64245923e471eb2faf1d336e9c1edd54e9a5e06fa8a5d9dba61addd18eb5c",  // 362 bytes
        "ntfy-sparse": "7f9c29f1dfa215ec67be6f9875dd202f9d3e2d623070c78208dbe3b100c1de06",  // 350 bytes
        "ntfy-template": "712b508c335856920757abdc268b1c0454c921329267a55020bd1d6f33732754",  // 359 bytes
        "ntfy-update": "1c1557f1a5d0ccadf44215996e5f8099d8451942e40864e6ef03e832be4e01c8",  // 503 bytes
        "pagerduty-hostile": "bce7fe9ee73ca02bbcd95c400290cf82a9ae4848c2cc0d9a05620e796e4830fa",  // 1309 bytes
        "pagerduty-long": "b65c471359058818da56c6ae8a2b9c11bbc1a335792d04a976b27341e29aa08b",  // 1846 bytes
        "pagerduty-markup": "82a99d75897b08ffd73f2cfd1da093220fd6b24a2c40a11bfc9c609b928fd94c",  // 984 bytes
        "pagerduty-ronin": "4c199c0df271012b2994513957ef984bb640b360cbbd9786d4d424b7e1e09f9d",  // 755 bytes
        "pagerduty-sparse": "12aa7fd4de8e03c83b0c6d7e10b97eff1188f54c3c56f2ccd57e748777652d44",  // 578 bytes
        "pagerduty-template": "1ccca1639156914ac9a79407ffb3204ae288e82056f375159b4fb38c7677df58",  // 776 bytes
        "pagerduty-update": "b0b7f42125a964eb28f9434634610578df726e53ec224d5c5c51d3deea51c56b",  // 898 bytes
        "payload-hostile": "6d62850fa528bc54e4bfa3275e2dba32893b6a36609b98a44b4b42a186a4ba6e",  // 16634 bytes
        "payload-long": "4deb3d3722b3b927c250bdd06cef45b6c6896e29b481593c879a9dc52829de6f",  // 15734 bytes
        "payload-markup": "b217af6db0302a66211da37eaf27d12e624a12ab595ff9240985ffa61aff344a",  // 1347 bytes
        "payload-ronin": "4ada6b6a2f26711b8681a3917eb427379483fe9ee607da9623d30142d634e26b",  // 1061 bytes
        "payload-sparse": "66d1dcb90ff61955c98b9e27c604f6c7484edd4383ee8fca5440e3f2b56a85f0",  // 1001 bytes
        "payload-stdout-hostile": "6d62850fa528bc54e4bfa3275e2dba32893b6a36609b98a44b4b42a186a4ba6e",  // 16634 bytes
        "payload-stdout-long": "4deb3d3722b3b927c250bdd06cef45b6c6896e29b481593c879a9dc52829de6f",  // 15734 bytes
        "payload-stdout-markup": "b217af6db0302a66211da37eaf27d12e624a12ab595ff9240985ffa61aff344a",  // 1347 bytes
        "payload-stdout-ronin": "4ada6b6a2f26711b8681a3917eb427379483fe9ee607da9623d30142d634e26b",  // 1061 bytes
        "payload-stdout-sparse": "66d1dcb90ff61955c98b9e27c604f6c7484edd4383ee8fca5440e3f2b56a85f0",  // 1001 bytes
        "payload-stdout-template": "d081743f61954c577fd8fb63a188a260b6904fd1259feaf0a7d7698ba50cd4fe",  // 1087 bytes
        "payload-stdout-update": "a81e81c6126d3eb1d0f0a8873eda82e77f9fae02eb0d467a52db10ed3bc40135",  // 1319 bytes
        "payload-template": "d081743f61954c577fd8fb63a188a260b6904fd1259feaf0a7d7698ba50cd4fe",  // 1087 bytes
        "payload-update": "a81e81c6126d3eb1d0f0a8873eda82e77f9fae02eb0d467a52db10ed3bc40135",  // 1319 bytes
        "rfc3164-hostile": "c5805eac37093f6ed76ef714bbc4a2fa628559e922d940b7110283c4caed0edd",  // 409 bytes
        "rfc3164-long": "c0180c717a3445433decc0a70c071f9a27243d00a089e884f0137d5331766a7f",  // 618 bytes
        "rfc3164-markup": "391710b2d1e91c6ffef3b2238dd796ea694e6694d844361cf94a9e34faff2ff3",  // 276 bytes
        "rfc3164-ronin": "e39642e75f39a876f8a014021e848ff859b259fa1831167212c6e7f68e4d15dd",  // 215 bytes
        "rfc3164-sparse": "3c3d0640a0ffd4a2f5504aea59f2b1919097fdecf06e1657e1102811c4608a6a",  // 183 bytes
        "rfc3164-template": "2cf45276efc876b5c5db578b3eb87ff6d6e5fb81bc9b5db17b9d7f853b7e0ed1",  // 236 bytes
        "rfc3164-update": "130d060aecfaeafbb814bcf431badf257c22940f5e17193654242ef660cbff48",  // 350 bytes
        "rfc5424-hostile": "0bbe385705ace5db1a8740c666721eeb20557b1254728e5872f0e528b39da4af",  // 710 bytes
        "rfc5424-long": "1860ff14b1f29c9f308d36d1109da37decedd50f3de7e09e29dbafbf3bc849f6",  // 951 bytes
        "rfc5424-markup": "b37bd5a0606f6ee09575abac7027b6694003c37c831f89baf93bac36a0265ea8",  // 526 bytes
        "rfc5424-ronin": "0198791f6d7aeb01bd4c29a6aa49e789f76c96bd115a63591e59b37e1c52a67b",  // 357 bytes
        "rfc5424-sparse": "e448366783a3de663b04a2d03209f85afa29e4e3e8253967825f8732933b8fda",  // 311 bytes
        "rfc5424-template": "0e0b9b11c28e94cd5b8774812490ed0cdc7f2b0a42a3f7edf4f9ef7168b9a917",  // 378 bytes
        "rfc5424-update": "678d31626bac8548950014b2ec9b009ce78d1072ff49e741402237080d6a1cdb",  // 492 bytes
        "slack-hostile": "c72bd3a883bfcfd137ae35f33b23c20509b65c258fa0fa5db24a858bf1e26b53",  // 7080 bytes
        "slack-long": "c30bf587890564cafcd205e808d219b3b2cd38c2ce56bca2e83e4699d87806e8",  // 6867 bytes
        "slack-markup": "4f7bd1ddafeac1cb56686cc308906cc8d5415eedecc5f232b04987b021de92c2",  // 1505 bytes
        "slack-ronin": "98964f6c298d4ef25ed29b0229d65d32b19d99910f7af60b906e447c27451962",  // 1021 bytes
        "slack-sparse": "8e61158dbacfa6481da52c1106e6c4eebbf0d837e3805caa5599e4b9521ee351",  // 631 bytes
        "slack-template": "7a57158b51b742fd2192a688449cf2aeacc89086f9528e0235e4d85143677a7d",  // 1023 bytes
        "slack-update": "5d49fa684187fed2c20d639cdf2dab9633b1431691c88d4b3f5efcb8f3b7daad",  // 1323 bytes
        "teams-hostile": "55ecf9e9c616c863c6eb79b2253f73fbffa9219abb35db761df8e811bd3bc408",  // 17706 bytes
        "teams-long": "f273a9976190643c0af97d7f7c0abe8d48768ac403a1c2174ed3ddde7311bf14",  // 13882 bytes
        "teams-markup": "d0838ceff20367fb8d091ab268bda854c00e9d5178979103daba2dd95838b72c",  // 1269 bytes
        "teams-ronin": "f832fc7e191a2058a489ce494ac71897c78cbd7d8be243d4de716b55b8ca3a30",  // 1033 bytes
        "teams-sparse": "55037da4e9e3715da56d2e8e31f5813823f08932c063f078973db258ffad791e",  // 701 bytes
        "teams-template": "82aa3f269b2fc09a469b7f9d4f31f5233fab156cf1888519c611fa9f8f91b6e7",  // 1034 bytes
        "teams-update": "dab9b91650a1ebfd138d94143b7da3d2be3928e0777fd12abcd9b8c23d1f49b7",  // 1197 bytes
        "telegram-hostile": "ff371d3f6aacba9099d2d2210debaea0cca74a6aea76329519616c4515a39988",  // 5780 bytes
        "telegram-long": "65026f91e15468c1ac8168831894e54d070cb8f1b72e43e22f60cf1dbb4aa029",  // 5078 bytes
        "telegram-markup": "a2260d7f380c22d3b5a0ce6d765ba1358fadbe91eb6a404d47135c0c784111cc",  // 854 bytes
        "telegram-ronin": "0ee1aef63013cd39ead1b1d7dbeb78d1cad8af67c2b19442e028c01bdeb78efe",  // 597 bytes
        "telegram-sparse": "804f0492b6587d4d82a48fef7c0a0614c9330d48be9535a4780972474fdcb374",  // 373 bytes
        "telegram-template": "657913bd79feecdac8f5c9cc39bb6ddc9c05490aa76894f28f7ef94868b87729",  // 598 bytes
        "telegram-update": "52eb217a8edc7d30d181501ad542800dc6a27f4f176a6f48d32b094ecf0f64d6",  // 834 bytes
        "webhook-hostile": "368625b645938918db9f3352030f5c376e215fbcd8fc0ff039e7891db7b2a778",  // 16774 bytes
        "webhook-long": "b895a6ce1a8f1e6ab827348f404bee40c44319dad9346a508200ef70bc950ac7",  // 15874 bytes
        "webhook-markup": "ff329bb9f02525b2613c01c91b17a3dd187f52bc6400e5aa4a287b804612fdd1",  // 1486 bytes
        "webhook-ronin": "c342ee1aabeb519995981056242e8eeb45061bc2f4c0ee83b6544b18cfd7fc68",  // 1200 bytes
        "webhook-signed-hostile": "b203d4696812e48180880daa78a1d3903c7e554c84545135664f634377a79f13",  // 16822 bytes
        "webhook-signed-long": "bdfd4518b2b7215eb688bb0840ef06721a218c614e20bc2e6b6573e94fea8f28",  // 15922 bytes
        "webhook-signed-markup": "8fc4b2dfa8745ab47c53f2f4e7ee7bc572db46da7dbcaa31fc82beacba227121",  // 1535 bytes
        "webhook-signed-ronin": "c3f2c0865d42d6e645b21a536b0a8392cc7a7b5b6e533b6c30584a49efd22ec4",  // 1249 bytes
        "webhook-signed-sparse": "cbcdef8d47bce71937abc43e574d8a47d2b6136f16dfe9265fee97e31cc71858",  // 1189 bytes
        "webhook-signed-template": "5e65f3701f4212e81b84489a0f6e669264164cf0a0585b519ef6da1c401f8dca",  // 1275 bytes
        "webhook-signed-update": "68cc515dff002f6f746be8f3d5e4d6e34e7321ecdd317fb24498b0149ea0b51a",  // 1510 bytes
        "webhook-sparse": "7d5312045fa22025fea23b3c1956a2c26d6a3d9d82f5da0563af7fd1dd057a58",  // 1140 bytes
        "webhook-template": "3edf3ed34719f6480e1fc0f2226dd9fb7eb44cb83ff1cf63eace0f25e982d57d",  // 1226 bytes
        "webhook-update": "5bfa66358a6ace28fd54388c4d9d07d1153df34d1849c066867e647d43966043",  // 1461 bytes
    ]
}

/// The byte writer against the Model's serializer, on the strings that need escaping.
@Suite struct JSONBytesTests {
    static let strings = ["", "plain", "q\"b\\s/", "\n\r\t\u{0}\u{1F}\u{7F}\u{80}\u{9F}", "\u{2028}\u{2029}\u{2027}\u{202A}",
                          "<a href=\"x\">&amp;</a>", "é 協議 🚀 👩‍👩‍👧 ＠", "\u{E2}\u{80}"]

    @Test(arguments: strings)
    func bytesAreTheSerializerText(text: String) {
        let value = JSONValue.object(["k": .string(text), text: .array([.number(1.5), .number(-3), .number(.nan), .bool(true), .null])])
        #expect(value.jsonBytes == Array(value.serialized().utf8))
        var expected = ""
        for scalar in value.serialized().unicodeScalars {
            switch scalar {
            case "<": expected += "\\u003c"
            case ">": expected += "\\u003e"
            case "&": expected += "\\u0026"
            default: expected.unicodeScalars.append(scalar)
            }
        }
        #expect(value.htmlSafeJSON == expected)
    }
}

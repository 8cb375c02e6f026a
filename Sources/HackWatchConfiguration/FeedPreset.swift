import HackWatchModel

/// A named feed definition for a real hack source (`"preset": "rekt"`): config keys merged
/// under the user's own (`hackwatch presets` lists them).
///
/// The user's keys win: a top-level key replaces the preset's, except `mapping`, `transforms`
/// and `headers`, which merge member by member (so `"mapping": {"summary": "/excerpt"}` changes
/// one field and keeps the others).
package struct FeedPreset: Sendable {
    /// The name used in `"preset"`.
    package let name: String
    /// What the preset reads, one line.
    package let reads: String
    /// Whether the URL was confirmed (and how) or could not be from here.
    package let urlStatus: String
    /// True when the source needs an API key (`headers_file` / `headers_env`).
    package let needsKey: Bool
    /// The config keys the preset fills, as JSON text (parsed by `members`).
    let json: String

    /// The preset's config keys.
    package var members: [String: JSONValue] {
        // The texts are constants checked by the tests; a typo is a programming error.
        (try? JSONValue.parse(json))?.objectValue ?? [:]
    }

    /// The preset called `name`, if any.
    package static func named(_ name: String) -> FeedPreset? { all.first { $0.name == name } }

    /// `members` under `user`: user keys replace the preset's, `mapping`/`transforms`/`headers` merge by member.
    package static func merge(_ preset: [String: JSONValue], under user: [String: JSONValue]) -> [String: JSONValue] {
        var merged = preset
        for (key, value) in user {
            if ["mapping", "transforms", "headers"].contains(key), case .object(let mine)? = merged[key], case .object(let theirs) = value {
                merged[key] = .object(mine.merging(theirs) { $1 })
            } else {
                merged[key] = value
            }
        }
        return merged
    }

    /// The titles of rekt.news articles end in one of these (seen on the leaderboard).
    static let rektSuffixes = [
        " - REKT X2", " - REKT 2", " - REKT 3", " - Rekt II", " - Rekt III", " - Rekt IV", " - R3KT", " - REKT",
    ]

    /// Every preset, in the order `hackwatch presets` lists them.
    package static let all: [FeedPreset] = [
        FeedPreset(
            name: "defillama", reads: "DefiLlama's hacks API (JSON, every hack since 2016)",
            urlStatus: "confirmed: the snapshot in shared/feeds is the raw body of this URL", needsKey: false,
            json: #"{"url": "https://api.llama.fi/hacks", "format": "defillama", "interval": "10m"}"#),
        FeedPreset(
            name: "rekt", reads: "rekt.news leaderboard page (HTML, its __NEXT_DATA__ JSON: hack date, USD loss, tags)",
            urlStatus: "not confirmable from here (no internet); taken from the saved page's name", needsKey: false,
            json: #"""
            {"url": "https://rekt.news/leaderboard/", "format": "json", "extract": "next_data",
             "items_pointer": "/props/pageProps/leaderboard", "interval": "30m",
             "mapping": {"id": "/slug", "name": "/title", "title": "/title", "summary": "/excerpt",
                         "date": "/rekt/date", "loss": "/rekt/amount", "tags": "/tags"},
             "transforms": {"name": {"strip": \#(rektSuffixesJSON)},
                            "url": {"template": "https://rekt.news/{{slug}}"},
                            "attribution": {"from": "tags"}}}
            """#),
        FeedPreset(
            name: "rekt-rss", reads: "rekt.news articles (RSS)",
            urlStatus: "not confirmable from here (no internet)", needsKey: false,
            json: #"{"url": "https://rekt.news/rss/feed.xml", "format": "rss", "interval": "15m"}"#),
        FeedPreset(
            name: "slowmist", reads: "SlowMist Hacked list page (HTML via XPath: target, date, loss, method, link)",
            urlStatus: "not confirmable from here (no internet); page layout from saved pages", needsKey: false,
            json: #"""
            {"url": "https://hacked.slowmist.io/", "format": "html", "interval": "30m",
             "items_xpath": "//div[@class='case-content']/ul/li",
             "mapping": {"name": "h3/text()", "date": "span[@class='time']", "summary": "p[1]/text()",
                         "loss": "p[2]/span[1]/text()", "technique": "p[2]/span[2]/text()",
                         "url": "p[@class='link-reference']/a/@href"}}
            """#),
        FeedPreset(
            name: "defihacklabs", reads: "DeFiHackLabs Incident Explorer incidents.json (JSON; Lost counts as USD only when lossType is USD)",
            urlStatus: "path confirmed in the GitHub repository; branch 'main' not confirmable from here", needsKey: false,
            json: #"""
            {"url": "https://raw.githubusercontent.com/SunWeb3Sec/DeFiHackLabs-Incident-Explorer/main/incidents.json",
             "format": "json", "interval": "1h",
             "mapping": {"name": "/name", "date": "/date", "loss": "/Lost", "loss_currency": "/lossType",
                         "technique": "/type", "chains": "/chain"}}
            """#),
        FeedPreset(
            name: "defi-rekt", reads: "De.Fi REKT database (GraphQL POST; API key required: X-Api-Key via headers_file/headers_env)",
            urlStatus: "endpoint from De.Fi's API docs; query field names not confirmable from here", needsKey: true,
            json: #"""
            {"url": "https://public-api.de.fi/graphql", "format": "json", "method": "POST", "interval": "1h", "items_pointer": "/data/rekts",
             "body": "{\"query\": \"{ rekts(pageNumber: 1, limit: 50, sortField: \\\"date\\\", sortDirection: \\\"desc\\\") { id projectName description date fundsLost fundsReturned chaindIds category issueType } }\"}",
             "mapping": {"id": "/id", "name": "/projectName", "summary": "/description", "date": "/date", "loss": "/fundsLost", "returned": "/fundsReturned", "chains": "/chaindIds", "classification": "/category", "technique": "/issueType"},
             "transforms": {"chains": {"map": "evm-chain-ids"}}}
            """#),
        FeedPreset(
            name: "blocksec", reads: "BlockSec Phalcon attack events (JSON POST: loss, root cause, chains, attacker addresses, tx hashes)",
            urlStatus: "not confirmable from here (no internet); response shape from a saved body", needsKey: false,
            json: #"""
            {"url": "https://app.blocksec.com/api/v1/attack-events/list", "format": "json", "method": "POST",
             "interval": "30m", "body": "{\"page\": 1, \"pageSize\": 50}", "items_pointer": "/list", "date_format": "unix_ms",
             "mapping": {"id": "/id", "name": "/project", "date": "/date", "loss": "/loss", "returned": "/rescued",
                         "chains": "/chainIds", "technique": "/rootCause", "url": "/media",
                         "addresses": "/transactions/*/attacker", "transactions": "/transactions/*/txnHash"},
             "transforms": {"chains": {"map": "evm-chain-ids"}}}
            """#),
        FeedPreset(
            name: "web3isgoinggreat", reads: "Web3 is Going Just Great (Atom)",
            urlStatus: "not confirmable from here (no internet)", needsKey: false,
            json: #"{"url": "https://www.web3isgoinggreat.com/feed.xml", "format": "atom", "interval": "30m"}"#),
        FeedPreset(
            name: "github-advisories", reads: "GitHub global security advisories of type malware (JSON REST API; 60 requests/h without a token)",
            urlStatus: "documented GitHub REST endpoint; not fetched from here", needsKey: false,
            json: #"""
            {"url": "https://api.github.com/advisories?type=malware&per_page=100", "format": "json", "interval": "1h",
             "headers": {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"},
             "mapping": {"id": "/ghsa_id", "name": "/vulnerabilities/0/package/name", "title": "/summary",
                         "summary": "/description", "url": "/html_url", "date": "/published_at",
                         "classification": "/type", "tags": "/vulnerabilities/*/package/ecosystem"}}
            """#),
    ]

    static var rektSuffixesJSON: String {
        "[" + rektSuffixes.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
    }
}

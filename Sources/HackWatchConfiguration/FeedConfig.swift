import HackWatchModel
/// The format of a feed (`format` in config, `--format` on the CLI).
package enum FeedFormat: String, CaseIterable, Sendable, Codable {
    /// DefiLlama's `api.llama.fi/hacks` array.
    case defillama
    /// RSS 2.0.
    case rss
    /// Atom 1.0.
    case atom
    /// Generic JSON with a `mapping` of JSON Pointers.
    case json
    /// Any HTML page: `items_xpath` selects the items, `mapping` holds XPath expressions.
    case html
    /// Any XML document, read like `html`.
    case xml
    /// Sniff JSON / RSS / Atom from the bytes.
    case auto
}

/// One entry of `feeds` in the config file (decoded and validated by `Config`).
package struct FeedConfig: Hashable, Sendable {
    /// Unique name; becomes `Incident.source`.
    package var name: String
    /// `http(s)://` or `file://` URL.
    package var url: String
    package var format: FeedFormat
    /// Poll interval (default 5m).
    package var interval: TimeSpan
    /// Disabled feeds are validated but never polled.
    package var enabled: Bool
    /// Total request timeout (default 30s).
    package var timeout: TimeSpan
    /// Largest body accepted (default 10 MiB).
    package var maxBytes: Int
    /// Extra request headers.
    package var headers: [String: String]
    /// `json` format: incident field name → JSON Pointer into one item (e.g. `"loss": "/amount"`).
    package var mapping: [String: String]
    /// `json` format: JSON Pointer to the array of items (default: the document root).
    package var itemsPointer: String
    /// `json` format: multiply mapped amounts by this (e.g. 1e6 when the feed says millions).
    package var amountScale: Double
    /// `json` format: how mapped dates are written: `unix`, `unix_ms`, `iso8601` (default: guess).
    package var dateFormat: String?
    /// Per-field transforms applied to the mapped values (`FieldTransform`), any mapped format.
    package var transforms: [String: FieldTransform] = [:]
    /// Request method: `GET` (default) or `POST`.
    package var method: String = "GET"
    /// Request body (POST): `body` as written or `body_file`; `{{now_ms}}`-style placeholders
    /// are expanded at each poll.
    package var body: FeedBody?
    /// Secret request headers (`headers_file` / `headers_env`): read at each poll, never logged.
    package var secretHeaders: SecretSource?
    /// `html`/`xml` formats: XPath 1.0 selecting the item nodes (`//ul[@class='list']/li`).
    package var itemsXPath: String?
    /// `json` format: where the JSON is inside the body; only `next_data` (the JSON in an HTML
    /// page's `<script id="__NEXT_DATA__">`). Nil: the body is the JSON.
    package var extract: String?
    /// The preset this feed was built from (`hackwatch presets`), if any.
    package var preset: String?

    package init(name: String, url: String, format: FeedFormat, interval: TimeSpan = TimeSpan(seconds: 300),
                enabled: Bool = true, timeout: TimeSpan = TimeSpan(seconds: 30), maxBytes: Int = 10 << 20,
                headers: [String: String] = [:], mapping: [String: String] = [:], itemsPointer: String = "",
                amountScale: Double = 1, dateFormat: String? = nil) {
        self.name = name
        self.url = url
        self.format = format
        self.interval = interval
        self.enabled = enabled
        self.timeout = timeout
        self.maxBytes = maxBytes
        self.headers = headers
        self.mapping = mapping
        self.itemsPointer = itemsPointer
        self.amountScale = amountScale
        self.dateFormat = dateFormat
    }
}

/// Where a feed's request body comes from.
package enum FeedBody: Hashable, Sendable {
    /// `body`: the text in the config.
    case text(String)
    /// `body_file`: a file, read at each poll.
    case file(String)
}

// swift-tools-version:6.0
import PackageDescription

// One target per concern; the import graph is the architecture (drawn in the README's "Source
// layout"; `make check-imports` keeps every file's imports within the dependencies declared here).
// Cross-target API is `package`; `public` is only the rule language and its model, which the
// libFuzzer package in Fuzz/ (another package) uses.
let model = Target.Dependency(stringLiteral: "HackWatchModel")

let package = Package(
    name: "hackwatch",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "hackwatch", targets: ["hackwatch"]),
        // The rule language as a library: load rules, evaluate incidents (used by Fuzz/).
        .library(name: "HackWatchRules", targets: ["HackWatchRules", "HackWatchModel"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // The optional HTTP listener (HackWatchWeb): SwiftNIO underneath.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // Hummingbird's own dependencies, named for the listener's connection-deadline handler.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
    ],
    targets: [
        // libcurl: typed wrappers around the variadic curl_easy_setopt/getinfo.
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("curl")]),
        // System SQLite (libsqlite3-dev): SQLITE_TRANSIENT is a macro Swift cannot import.
        .target(name: "CSQLite", linkerSettings: [.linkedLibrary("sqlite3")]),
        // libxml2 (libxml2-dev): the one XML and HTML engine. The system library target gives its
        // header path (pkg-config libxml-2.0); the shim holds the hardened reader, the HTML text
        // walker and the parts of the parser API Swift cannot call safely.
        .systemLibrary(name: "CLibXML2System", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .target(name: "CLibXML2", dependencies: ["CLibXML2System"], linkerSettings: [.linkedLibrary("xml2")]),
        // libpq (libpq-dev): the PostgreSQL client, header path from pkg-config; its API is plain C.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // syslog(3) is variadic; signals and socket helpers.
        .target(name: "CSupport"),
        // SHA-256 / HMAC-SHA256 from OpenSSL's libcrypto (libssl-dev; libcurl loads it anyway).
        .target(name: "CCrypto", linkerSettings: [.linkedLibrary("crypto")]),

        // Incident, Money, Severity, TimeSpan, JSON values and pointers: plain values, no I/O.
        .target(name: "HackWatchModel"),
        // The libcurl client: requests, responses, limits, redaction.
        .target(name: "HackWatchHTTP", dependencies: [model, "CCurl"]),
        // The config file: decoding, validation, secrets. Type-specific sink checks are passed in.
        .target(name: "HackWatchConfiguration", dependencies: [model, "CLibXML2"]),
        // The rule language: lexer, parser, resolver, type checker, compiler, regex VM.
        .target(name: "HackWatchRules", dependencies: [model]),
        // Mustache message templates.
        .target(name: "HackWatchTemplates", dependencies: [model, .product(name: "Mustache", package: "swift-mustache")]),
        // Feed formats, fetching, identity, baseline and correlation.
        .target(name: "HackWatchFeeds", dependencies: [model, "HackWatchHTTP", "HackWatchConfiguration", "CLibXML2"]),
        // State: incidents, feed state, fired pairs and the outbox (SQLite) behind `StateStoring`.
        .target(name: "HackWatchStore", dependencies: [model, "CSQLite"]),
        // The optional shared store: PostgreSQL behind `StateStoring`, with the leader lease and fencing.
        .target(name: "HackWatchStorePostgres", dependencies: [model, "HackWatchStore", "CLibPQ"]),
        // Figures over many incidents: periods, breakdowns, comparisons (stats; aggregates, digests).
        .target(name: "HackWatchStats", dependencies: [model, "HackWatchFeeds", "HackWatchRules"]),
        // Sinks, retry policy and the outbox worker.
        .target(
            name: "HackWatchNotify",
            dependencies: [
                model, "HackWatchHTTP", "HackWatchConfiguration", "HackWatchStore", "HackWatchTemplates", "CSupport",
                "CCrypto", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The HTTP listener: /metrics, health, reload, the JSON API and the status page (Hummingbird).
        // Only the daemon imports it, so nothing else builds SwiftNIO.
        .target(
            name: "HackWatchWeb",
            dependencies: [
                model, "HackWatchConfiguration", "HackWatchStore", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Scheduling, the incident pipeline, systemd, reload, status and replay.
        .target(
            name: "HackWatchDaemon",
            dependencies: [
                model, "HackWatchHTTP", "HackWatchConfiguration", "HackWatchRules", "HackWatchTemplates",
                "HackWatchFeeds", "HackWatchStore", "HackWatchStorePostgres", "HackWatchNotify", "HackWatchWeb", "HackWatchStats",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "hackwatch",
            dependencies: [
                model, "HackWatchHTTP", "HackWatchConfiguration", "HackWatchRules", "HackWatchFeeds",
                "HackWatchStore", "HackWatchStorePostgres", "HackWatchDaemon", "HackWatchStats",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // TestSupport: the benches run against the same loopback server the tests use.
        .executableTarget(
            name: "hackwatch-bench",
            dependencies: [
                model, "HackWatchHTTP", "HackWatchConfiguration", "HackWatchRules", "HackWatchFeeds",
                "HackWatchStore", "HackWatchStorePostgres", "HackWatchNotify", "HackWatchStats", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/hackwatch-bench"
        ),
        // Test-only: runs an OutboxWorker on a state DB so crash tests can kill -9 it (notify).
        .executableTarget(
            name: "hackwatch-outbox-probe",
            dependencies: [
                "HackWatchConfiguration", "HackWatchStore", "HackWatchNotify",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/hackwatch-outbox-probe"
        ),
        // Loopback servers, process running, seeded randomness: no hackwatch module.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        // Incidents, alerts and temporary stores shared by the Store, Templates and Notify tests.
        .target(name: "HackWatchFixtures", dependencies: [model, "HackWatchStore", "TestSupport"], path: "Tests/HackWatchFixtures"),
        // Test targets mirror the modules: each depends on its module and what its tests use.
        .testTarget(name: "HackWatchModelTests", dependencies: [model, "HackWatchHTTP", "HackWatchConfiguration", "HackWatchFeeds"]),
        .testTarget(name: "HackWatchHTTPTests", dependencies: [model, "HackWatchHTTP", "TestSupport"]),
        .testTarget(name: "HackWatchConfigurationTests", dependencies: [model, "HackWatchConfiguration", "HackWatchNotify", "TestSupport"]),
        .testTarget(name: "HackWatchRulesTests", dependencies: [model, "HackWatchRules", "TestSupport"]),
        .testTarget(name: "HackWatchTemplatesTests", dependencies: [model, "HackWatchTemplates", "HackWatchNotify", "HackWatchFixtures", "TestSupport"]),
        .testTarget(name: "HackWatchFeedsTests", dependencies: [model, "HackWatchHTTP", "HackWatchConfiguration", "HackWatchFeeds", "TestSupport"]),
        .testTarget(name: "HackWatchStoreTests", dependencies: [model, "HackWatchStore", "HackWatchFixtures", "TestSupport"]),
        .testTarget(name: "HackWatchStorePostgresTests", dependencies: [model, "HackWatchStore", "HackWatchStorePostgres", "TestSupport"]),
        .testTarget(
            name: "HackWatchNotifyTests",
            dependencies: [
                model, "HackWatchHTTP", "HackWatchConfiguration", "HackWatchStore", "HackWatchNotify", "HackWatchFixtures",
                "TestSupport", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "HackWatchDaemonTests",
            dependencies: [
                model, "HackWatchHTTP", "HackWatchConfiguration", "HackWatchRules", "HackWatchFeeds", "HackWatchStore",
                "HackWatchNotify", "HackWatchDaemon", "HackWatchStats", "HackWatchTemplates", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "HackWatchWebTests", dependencies: ["HackWatchWeb"]),
        .testTarget(name: "HackWatchStatsTests", dependencies: [model, "HackWatchConfiguration", "HackWatchFeeds", "HackWatchRules", "HackWatchStats", "HackWatchStore", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: [model, "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)

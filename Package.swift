// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "hackwatch",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "hackwatch", targets: ["hackwatch"]),
        .library(name: "HackWatch", targets: ["HackWatch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // libcurl: typed wrappers around the variadic curl_easy_setopt/getinfo.
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("curl")]),
        // System SQLite (libsqlite3-dev): SQLITE_TRANSIENT is a macro Swift cannot import.
        .target(name: "CSQLite", linkerSettings: [.linkedLibrary("sqlite3")]),
        // syslog(3) is variadic; signals and socket helpers.
        .target(name: "CSupport"),
        .target(
            name: "HackWatch",
            dependencies: [
                "CCurl", "CSQLite", "CSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        .executableTarget(
            name: "hackwatch",
            dependencies: [
                "HackWatch",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // TestSupport: the benches run against the same loopback server the tests use.
        .executableTarget(name: "hackwatch-bench", dependencies: ["HackWatch", "TestSupport"], path: "Sources/hackwatch-bench"),
        // Test-only: runs an OutboxWorker on a state DB so crash tests can kill -9 it (notify).
        .executableTarget(
            name: "hackwatch-outbox-probe",
            dependencies: ["HackWatch", .product(name: "Logging", package: "swift-log")],
            path: "Sources/hackwatch-outbox-probe"
        ),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "HackWatchTests", dependencies: ["HackWatch", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["HackWatch", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)

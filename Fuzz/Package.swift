// swift-tools-version:6.0
// libFuzzer target for the rule language (lexer, parser, resolver, type checker, compiler,
// regex engine and evaluation). A separate package so the main build never needs -sanitize.
// Build and run: see README.md in this folder.
import PackageDescription

let package = Package(
    name: "hackwatch-fuzz",
    dependencies: [.package(name: "hackwatch", path: "..")],
    targets: [
        .target(name: "CFuzzDriver"),
        .executableTarget(
            name: "RulesFuzzer",
            dependencies: ["CFuzzDriver", .product(name: "HackWatchRules", package: "hackwatch")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

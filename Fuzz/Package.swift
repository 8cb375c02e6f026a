// swift-tools-version:6.0
// libFuzzer target for the rule language (lexer, parser, resolver, type checker, compiler,
// regex engine and evaluation). A separate package so the main build never needs -sanitize.
// Build and run: see README.md in this folder.
import PackageDescription

let package = Package(
    name: "hackwatch-fuzz",
    dependencies: [.package(name: "hackwatch", path: "..")],
    targets: [
        .executableTarget(
            name: "RulesFuzzer",
            dependencies: [.product(name: "HackWatch", package: "hackwatch")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ],
    swiftLanguageModes: [.v6]
)

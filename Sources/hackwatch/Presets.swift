import ArgumentParser
import HackWatchConfiguration
import HackWatchModel

/// `hackwatch presets`: the built-in feed presets, what each reads and how sure its URL is.
struct Presets: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the built-in feed presets and what each reads.",
        discussion: """
            Use one in the config as {"name": "rekt", "preset": "rekt"}; any key you set overrides \
            the preset's (mapping, transforms and headers merge field by field). These URLs were \
            written without internet access: those marked 'not confirmable' are best knowledge, \
            check them with 'hackwatch once --dry-run'.
            """
    )

    @Flag(name: .long, help: "One JSON object per preset, with the config keys it fills.")
    var json = false

    func run() throws {
        for preset in FeedPreset.all {
            let members = preset.members
            if json {
                let object: JSONValue = .object([
                    "name": .string(preset.name), "reads": .string(preset.reads), "url_status": .string(preset.urlStatus),
                    "needs_key": .bool(preset.needsKey), "config": .object(members),
                ])
                print(object.serialized())
                continue
            }
            let format = members["format"]?.stringValue ?? "auto"
            let extract = members["extract"]?.stringValue.map { ", extract \($0)" } ?? ""
            let method = members["method"]?.stringValue.map { ", \($0)" } ?? ""
            print("\(preset.name)\(preset.needsKey ? "  (API key required)" : "")")
            print("    reads:  \(preset.reads)")
            print("    url:    \(members["url"]?.stringValue ?? "-")  [\(format)\(extract)\(method), every \(members["interval"]?.stringValue ?? "5m")]")
            print("    status: \(preset.urlStatus)")
        }
    }
}

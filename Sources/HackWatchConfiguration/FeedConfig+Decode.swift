import Foundation
import HackWatchModel

extension FeedConfig {
    /// One `feeds` entry decoded and validated on its own, as the config loader would (presets
    /// expanded): `hackwatch test --preset` builds its feed this way. `label` prefixes errors.
    /// Offline (nothing will be fetched): a preset's API key is not required.
    package static func decode(_ entry: JSONValue, label: String, relativeTo folder: String = FileManager.default.currentDirectoryPath) throws(ConfigError) -> FeedConfig {
        var reader = ConfigReader()
        reader.offline = true
        let resolver = PathResolver(configPath: URL(fileURLWithPath: folder).appendingPathComponent("x").path, environment: [:])
        let feed = reader.feed(entry, at: ConfigPath.root, resolver: resolver)
        guard reader.problems.isEmpty, let feed else { throw ConfigError(file: label, problems: reader.problems) }
        return feed
    }
}

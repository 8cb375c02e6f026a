import ArgumentParser
import Foundation

/// The `--config`/`-c` option every command shares: `/etc/hackwatch/config.json` (where
/// `make install` puts it) unless another file is named.
enum ConfigFile {
    /// The installed config, used when no `--config` is given.
    static let defaultPath = "/etc/hackwatch/config.json"

    /// The option's help line.
    static let help = ArgumentHelp("The config file.", valueName: "file")

    /// Refuses the default path when it does not exist, naming the option instead of failing
    /// later with "cannot read /etc/hackwatch/config.json" on a machine where nothing is installed.
    static func validate(_ path: String, fileExists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }) throws {
        guard path == defaultPath, !fileExists(path) else { return }
        throw ValidationError("\(defaultPath) (the default --config) does not exist; name the config with --config FILE or -c FILE")
    }
}

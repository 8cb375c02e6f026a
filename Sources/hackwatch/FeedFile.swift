import ArgumentParser
import Foundation
import HackWatchConfiguration
import HackWatchFeeds
import HackWatchModel

/// Reads a saved feed body as `feed` reads it (`test`, `stats --input`): warnings and errors on
/// stderr, exit status 1 when the file cannot be read or parsed.
enum FeedFile {
    /// The incidents `input` lists, parsed with `feed`'s format, mapping and transforms.
    static func incidents(input: String, feed: FeedConfig) throws -> [Incident] {
        guard let data = FileManager.default.contents(atPath: input) else {
            printError("hackwatch: cannot read \(input)")
            throw ExitCode(1)
        }
        let parsed: FeedParseResult
        do {
            parsed = try FeedParser.parse([UInt8](data), config: feed)
        } catch {
            printError("hackwatch: \(input): \(error)")
            throw ExitCode(1)
        }
        for warning in parsed.warnings { printError("hackwatch: warning: \(warning)") }
        return parsed.incidents
    }
}

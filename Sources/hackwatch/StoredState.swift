import ArgumentParser
import Foundation
import HackWatchConfiguration
import HackWatchDaemon
import HackWatchStore

/// The state database of `config` for a command that only reads it (`stats`, `preview
/// --digest`): opened read-only, as `status` opens it — no migration or pragma, so it runs
/// beside the daemon and on a read-only copy. A missing file is the "no state yet" hint, any
/// error printed; both exit status 1.
func readStoredState<T>(_ config: HackWatchConfig, _ body: (StateStore) throws -> T) throws -> T {
    let path = StateStore.path(stateDir: config.stateDir)
    guard FileManager.default.fileExists(atPath: path) else {
        printError("hackwatch: no state yet (\(path) does not exist): run the daemon, or give --input FILE")
        throw ExitCode(1)
    }
    do {
        let store = try StateDirectory.openStore(path: path, readOnly: true)
        defer { store.close() }
        return try body(store)
    } catch {
        printError("hackwatch: \(error)")
        throw ExitCode(1)
    }
}

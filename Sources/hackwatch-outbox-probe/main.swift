// Test-only helper for the outbox crash tests: runs an OutboxWorker on a given state database
// until nothing is pending, so a test can kill -9 it mid-delivery and start it again.
//
//   hackwatch-outbox-probe --db PATH --sink NAME --url URL [--type webhook] [--secret whsec_…]
//
// Exit 0 when the outbox has no pending rows left, 2 on bad arguments, 1 on a store error.
import Foundation
import Logging
import HackWatchConfiguration
import HackWatchNotify
import HackWatchStore

var options: [String: String] = [:]
var iterator = CommandLine.arguments.dropFirst().makeIterator()
while let key = iterator.next() {
    guard key.hasPrefix("--"), let value = iterator.next() else {
        FileHandle.standardError.write(Data("usage: hackwatch-outbox-probe --db PATH --sink NAME --url URL\n".utf8))
        exit(2)
    }
    options[String(key.dropFirst(2))] = value
}
guard let db = options["db"], let sinkName = options["sink"], let url = options["url"] else {
    FileHandle.standardError.write(Data("hackwatch-outbox-probe: --db, --sink and --url are required\n".utf8))
    exit(2)
}
LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = .warning
    return handler
}
let config = SinkConfig(name: sinkName, type: options["type"] ?? "webhook", url: .literal(url),
                        secret: options["secret"].map(SecretSource.literal))
do {
    let store = try StateStore(path: db)
    let sink = try SinkFactory.make(config, environment: [:])
    let policy = RetryPolicy(initialDelay: 0.05, multiplier: 2, maxDelay: 0.5, jitter: 0.2)
    let worker = OutboxWorker(store: store, sinks: [sinkName: sink], policy: policy, logger: Logger(label: "probe"))
    while try store.outboxCounts().pending > 0 {
        worker.drain()
        Thread.sleep(forTimeInterval: 0.02)
    }
    store.close()
} catch {
    FileHandle.standardError.write(Data("hackwatch-outbox-probe: \(error)\n".utf8))
    exit(1)
}

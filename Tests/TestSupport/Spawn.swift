// One lock around every child-process launch the tests make.
import Foundation

/// Serialises `Process.run()` across the test process.
///
/// Swift Testing runs suites in parallel, and corelibs-foundation's `Process.run()` is not safe to
/// call from several threads at once: a clean-clone CI run crashed with SIGSEGV in its argument/
/// environment copy while two suites started children together. Every test helper that starts a
/// child goes through here; only the launch is serialised, the children run concurrently.
public func spawn(_ process: Process) throws {
    spawnLock.lock()
    defer { spawnLock.unlock() }
    try process.run()
}

private let spawnLock = NSLock()

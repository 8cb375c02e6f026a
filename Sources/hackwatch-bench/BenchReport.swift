import Foundation

/// Collects `name: value unit` lines, grouped by section, and writes them to a file.
struct BenchReport {
    private(set) var lines: [String] = []

    init() {
        lines.append("# hackwatch bench, \(ISO8601DateFormatter().string(from: Date())), \(ProcessInfo.processInfo.activeProcessorCount) cores")
    }

    mutating func section(_ name: String) { lines.append("\n[\(name)]") }

    /// Records one figure and echoes it to stdout.
    mutating func record(_ name: String, _ value: Double, _ unit: String, note: String = "") {
        let formatted = value >= 100 ? String(format: "%.0f", value) : String(format: "%.3f", value)
        let line = "\(name): \(formatted) \(unit)" + (note.isEmpty ? "" : "  # \(note)")
        lines.append(line)
        print(line)
    }

    mutating func note(_ text: String) { lines.append("# \(text)"); print("# \(text)") }

    /// Writes the report. Atomically (a temporary file renamed over `path`) only for a regular
    /// file or a new path: renaming over `--out /dev/null` replaced the machine's /dev/null with a
    /// regular file, which broke `initdb` and everything else that writes to it.
    func write(to path: String) throws {
        let text = lines.joined(separator: "\n") + "\n"
        var info = stat()
        let special = stat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG
        if special {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            handle.write(Data(text.utf8))
        } else {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
    }
}

/// Wall-clock seconds of `body`.
func measure(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// This process's peak resident set size in MiB (VmHWM).
func peakRSSMiB() -> Double { statusMiB(field: "VmHWM") }

/// A `/proc/PID/status` size field (`VmRSS`, `VmHWM`, `RssAnon`, …) in MiB; this process's by default.
func statusMiB(pid: Int32? = nil, field: String) -> Double {
    guard let status = try? String(contentsOfFile: "/proc/\(pid.map(String.init) ?? "self")/status", encoding: .utf8) else { return 0 }
    let line = status.split(separator: "\n").first { $0.hasPrefix("\(field):") }
    return (line?.split(separator: " ").compactMap { Double($0) }.first ?? 0) / 1024
}

/// Where the real feed snapshots live (read at bench time): `$HACKWATCH_SHARED/feeds` when that
/// is set, else the shared/ folder beside the repository.
func sharedFeedsDirectory() -> String? {
    if let shared = ProcessInfo.processInfo.environment["HACKWATCH_SHARED"], !shared.isEmpty {
        return shared + "/feeds"
    }
    let candidates = ["../shared/feeds", "../../shared/feeds", "/work/shared/feeds"]
    return candidates.first { FileManager.default.fileExists(atPath: $0) }
}

/// The newest DefiLlama hacks snapshot (`defillama/api.llama.fi_hacks*.json`) among the shared feeds.
func defiLlamaSnapshotPath() -> String? {
    guard let folder = sharedFeedsDirectory().map({ $0 + "/defillama" }),
          let name = (try? FileManager.default.contentsOfDirectory(atPath: folder))?
            .filter({ $0.hasPrefix("api.llama.fi_hacks") && $0.hasSuffix(".json") }).sorted().last else { return nil }
    return folder + "/" + name
}

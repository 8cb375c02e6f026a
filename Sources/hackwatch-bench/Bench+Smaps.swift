import Foundation

/// Where a process's resident memory is: `/proc/PID/smaps` summed per mapping (the file a
/// mapping maps, or `[heap]`, `[stack]`, anonymous), largest first. Written into the daemon
/// section for hackwatch and Alertmanager alike, so an idle-RSS regression names its cause
/// (a library that started loading, ICU data pages, a heap that grew).
struct SmapsBreakdown {
    /// One mapped object: resident KiB, of which anonymous (heap-like, private to the process).
    struct Entry { var name: String; var rssKiB: Int; var anonKiB: Int }

    /// Largest first.
    var entries: [Entry]

    var totalKiB: Int { entries.reduce(0) { $0 + $1.rssKiB } }

    /// Reads `/proc/PID/smaps`; nil when it cannot be read.
    init?(pid: Int32) {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/smaps", encoding: .utf8) else { return nil }
        self.init(smaps: text)
    }

    /// Parses smaps text: a header line per mapping (`start-end perms offset dev inode [path]`)
    /// followed by `Key: N kB` lines.
    init(smaps text: String) {
        var byName: [String: Entry] = [:]
        var current = "anonymous"
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard let first = fields.first else { continue }
            if first.last != ":" {
                // A mapping header: the sixth field is the path (absent for anonymous memory).
                current = fields.count == 6 ? String(fields[5]).trimmingCharacters(in: .whitespaces) : "anonymous"
                if current.hasPrefix("/") { current = (current as NSString).lastPathComponent }
                continue
            }
            guard fields.count >= 2, let kib = Int(fields[1]) else { continue }
            if first == "Rss:" { byName[current, default: Entry(name: current, rssKiB: 0, anonKiB: 0)].rssKiB += kib }
            if first == "Anonymous:" { byName[current, default: Entry(name: current, rssKiB: 0, anonKiB: 0)].anonKiB += kib }
        }
        entries = byName.values.filter { $0.rssKiB > 0 }.sorted { ($0.rssKiB, $1.name) > ($1.rssKiB, $0.name) }
    }

    /// Records the `top` largest mappings (the rest summed) as `NAME smaps MAPPING: X MiB` lines.
    func record(_ process: String, top: Int = 12, into report: inout BenchReport) {
        for entry in entries.prefix(top) {
            report.record("\(process) smaps \(entry.name)", Double(entry.rssKiB) / 1024, "MiB",
                          note: entry.anonKiB > 0 ? String(format: "%.3f MiB anonymous", Double(entry.anonKiB) / 1024) : "file-backed")
        }
        let rest = entries.dropFirst(top)
        if !rest.isEmpty {
            report.record("\(process) smaps other (\(rest.count) mappings)", Double(rest.reduce(0) { $0 + $1.rssKiB }) / 1024, "MiB")
        }
        report.record("\(process) smaps total", Double(totalKiB) / 1024, "MiB", note: "sum of Rss over every mapping")
    }
}

import Foundation

/// Where a process's resident memory is: `/proc/PID/smaps` summed per mapped object (the file a
/// mapping maps, `[heap]`, `[stack]`, thread stacks, heap arenas, other anonymous memory),
/// largest first. Written into the daemon section for hackwatch and Alertmanager alike, so an
/// idle-RSS regression names its cause (a library that started loading, ICU data pages, a heap
/// that grew). Every mapping is summed, so the total matches `VmRSS` read at the same moment.
struct SmapsBreakdown {
    /// One mapped object: resident KiB, of which anonymous (private dirty or never file-backed:
    /// heap, stacks, relocated data) and the rest file-backed (clean pages shared with the page cache).
    struct Entry { var name: String; var rssKiB: Int; var anonKiB: Int }

    /// Largest first.
    var entries: [Entry]

    var totalKiB: Int { entries.reduce(0) { $0 + $1.rssKiB } }
    var anonKiB: Int { entries.reduce(0) { $0 + $1.anonKiB } }

    /// Reads `/proc/PID/smaps`; nil when it cannot be read.
    init?(pid: Int32) {
        guard let text = readProcFile("/proc/\(pid)/smaps") else { return nil }
        self.init(smaps: text)
    }

    /// One mapping's header fields, kept until its `Rss:` lines are summed.
    private struct Mapping { var start: UInt64; var end: UInt64; var perms: Substring; var path: String; var rss = 0; var anon = 0 }

    /// Parses smaps text: a header line per mapping (`start-end perms offset dev inode [path]`)
    /// followed by `Key: N kB` lines.
    init(smaps text: String) {
        var mappings: [Mapping] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard let first = fields.first else { continue }
            if first.last != ":" {
                guard fields.count >= 5 else { continue }
                let range = first.split(separator: "-")
                guard range.count == 2, let start = UInt64(range[0], radix: 16), let end = UInt64(range[1], radix: 16) else { continue }
                let path = fields.count == 6 ? String(fields[5]).trimmingCharacters(in: .whitespaces) : ""
                mappings.append(Mapping(start: start, end: end, perms: fields[1], path: path))
                continue
            }
            guard fields.count >= 2, let kib = Int(fields[1]), !mappings.isEmpty else { continue }
            if first == "Rss:" { mappings[mappings.count - 1].rss += kib }
            if first == "Anonymous:" { mappings[mappings.count - 1].anon += kib }
        }
        var byName: [String: Entry] = [:]
        for (index, mapping) in mappings.enumerated() where mapping.rss > 0 {
            let name = Self.name(of: mapping, before: index > 0 ? mappings[index - 1] : nil,
                                 after: index + 1 < mappings.count ? mappings[index + 1] : nil)
            byName[name, default: Entry(name: name, rssKiB: 0, anonKiB: 0)].rssKiB += mapping.rss
            byName[name, default: Entry(name: name, rssKiB: 0, anonKiB: 0)].anonKiB += mapping.anon
        }
        entries = byName.values.sorted { ($0.rssKiB, $1.name) > ($1.rssKiB, $0.name) }
    }

    /// A file's last path component, a kernel name (`[heap]`, `[stack]`, `[vdso]`), or for unnamed
    /// memory what its neighbours say it is: glibc puts a guard page (`---p`) right below each
    /// thread stack, and reserves each malloc arena as a 64 MiB-aligned block whose unused part
    /// stays `---p` right above it (Go's heap arenas look the same, hence the neutral name).
    private static func name(of mapping: Mapping, before: Mapping?, after: Mapping?) -> String {
        if mapping.path.hasPrefix("/") { return (mapping.path as NSString).lastPathComponent }
        if !mapping.path.isEmpty { return mapping.path }
        if let before, before.end == mapping.start, before.perms.hasPrefix("---"), before.path.isEmpty { return "thread stacks" }
        if let after, after.start == mapping.end, after.perms.hasPrefix("---"), after.path.isEmpty,
           mapping.start % (64 << 20) == 0 { return "heap arenas" }
        return "anonymous (other)"
    }

    /// Records the `top` largest mappings (the rest summed) as `NAME smaps MAPPING: X MiB` lines,
    /// the total, and `VmRSS` read right after the smaps file, so the two can be compared.
    func record(_ process: String, pid: Int32, top: Int = 14, into report: inout BenchReport) {
        let vmRSS = statusMiB(pid: pid, field: "VmRSS")
        for entry in entries.prefix(top) {
            report.record("\(process) smaps \(entry.name)", Double(entry.rssKiB) / 1024, "MiB",
                          note: entry.anonKiB > 0 ? String(format: "%.3f MiB anonymous", Double(entry.anonKiB) / 1024) : "file-backed")
        }
        let rest = entries.dropFirst(top)
        if !rest.isEmpty {
            report.record("\(process) smaps other (\(rest.count) mappings)", Double(rest.reduce(0) { $0 + $1.rssKiB }) / 1024, "MiB",
                          note: String(format: "%.3f MiB anonymous", Double(rest.reduce(0) { $0 + $1.anonKiB }) / 1024))
        }
        report.record("\(process) smaps total", Double(totalKiB) / 1024, "MiB",
                      note: String(format: "sum of Rss over all %d mapped objects; %.3f MiB anonymous; VmRSS read just after: %.3f MiB",
                                   entries.count, Double(anonKiB) / 1024, vmRSS))
    }
}

/// The whole text of a `/proc` file. `String(contentsOfFile:)` stops after the first short
/// read (procfs files report size 0 and return a page or less per `read`), which cut smaps off
/// after the first few mappings; this reads until end of file.
func readProcFile(_ path: String) -> String? {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count < 0 { if errno == EINTR { continue }; return nil }
        if count == 0 { break }
        bytes.append(contentsOf: chunk[..<count])
    }
    return String(decoding: bytes, as: UTF8.self)
}

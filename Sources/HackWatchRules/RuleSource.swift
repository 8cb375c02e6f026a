import HackWatchModel
/// A position range in one rules file, in Unicode scalar offsets.
struct SourceSpan: Hashable, Sendable {
    /// Index of the file in load order.
    var file: Int
    var start: Int
    var end: Int

    /// A span covering both.
    func union(_ other: SourceSpan) -> SourceSpan {
        SourceSpan(file: file, start: min(start, other.start), end: max(end, other.end))
    }
}

/// One rules file: its text as Unicode scalars, with line starts for locating diagnostics.
struct RuleSource {
    var path: String
    var scalars: [Unicode.Scalar]
    /// Scalar offset at which each line starts.
    var lineStarts: [Int]
    /// Invalid UTF-8 found while decoding: (scalar offset of the replacement, the bad byte).
    var invalidBytes: [(offset: Int, byte: UInt8)]

    /// Decodes `bytes` as UTF-8, replacing and recording every invalid sequence (each bad byte
    /// becomes one U+FFFD so positions stay meaningful).
    init(path: String, bytes: [UInt8]) {
        self.path = path
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(bytes.count)
        var invalid: [(Int, UInt8)] = []
        var i = 0
        let n = bytes.count
        while i < n {
            let b0 = bytes[i]
            if b0 < 0x80 { scalars.append(Unicode.Scalar(b0)); i += 1; continue }
            var need = 0, value: UInt32 = 0, minimum: UInt32 = 0
            switch b0 {
            case 0xC2...0xDF: need = 1; value = UInt32(b0 & 0x1F); minimum = 0x80
            case 0xE0...0xEF: need = 2; value = UInt32(b0 & 0x0F); minimum = 0x800
            case 0xF0...0xF4: need = 3; value = UInt32(b0 & 0x07); minimum = 0x10000
            default: need = -1
            }
            var ok = need > 0 && i + need < n
            if ok {
                for k in 1...need {
                    let b = bytes[i + k]
                    if b & 0xC0 != 0x80 { ok = false; break }
                    value = value << 6 | UInt32(b & 0x3F)
                }
            }
            if ok, value >= minimum, let scalar = Unicode.Scalar(value) {
                scalars.append(scalar)
                i += need + 1
            } else {
                invalid.append((scalars.count, b0))
                scalars.append("\u{FFFD}")
                i += 1
            }
        }
        var starts = [0]
        for (index, scalar) in scalars.enumerated() where scalar == "\n" { starts.append(index + 1) }
        self.scalars = scalars
        self.lineStarts = starts
        self.invalidBytes = invalid
    }

    /// 1-based (line, column) of a scalar offset.
    func location(of offset: Int) -> (line: Int, column: Int) {
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return (low + 1, offset - lineStarts[low] + 1)
    }

    /// The text of a 1-based line, without its line break.
    func lineText(_ line: Int) -> String? {
        guard line >= 1, line <= lineStarts.count else { return nil }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : scalars.count
        if end > start, scalars[end - 1] == "\r" { end -= 1 }
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars[start..<max(start, end)])
        return text
    }

    /// A diagnostic for `span`; the tildes stop at the end of the span's first line.
    func diagnostic(_ message: String, at span: SourceSpan, severity: Diagnostic.Severity = .error) -> Diagnostic {
        let (line, column) = location(of: span.start)
        let lineEnd = line < lineStarts.count ? lineStarts[line] - 1 : scalars.count
        let length = max(1, min(span.end, lineEnd) - span.start)
        return Diagnostic(file: path, line: line, column: column, length: length, severity: severity,
                          message: message, sourceLine: lineText(line))
    }
}

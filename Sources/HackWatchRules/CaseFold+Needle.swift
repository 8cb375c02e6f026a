import Foundation

/// A constant substring prepared for searching folded UTF-8: memchr looks for its rarest byte
/// (English text is mostly spaces and `e t a o n`; `k`, `z`, digits and punctuation are rare),
/// so a search over a typical title stops at a handful of candidates instead of at every `n`.
struct Needle: Sendable {
    /// The UTF-8 searched for (already case-folded when the comparison folds).
    let bytes: [UInt8]
    /// Index in `bytes` of the byte memchr scans for.
    let anchor: Int

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var best = 0
        for index in bytes.indices where Self.frequency(bytes[index]) < Self.frequency(bytes[best]) { best = index }
        anchor = best
    }

    /// A rough rank of how often `byte` occurs in English text: lower is rarer.
    static func frequency(_ byte: UInt8) -> Int {
        switch byte {
        case 0x20: return 100
        case 0x61...0x7A: return common[Int(byte - 0x61)]
        case 0x41...0x5A: return common[Int(byte - 0x41)] / 2
        case 0x30...0x39: return 12
        case 0x0A: return 8
        case 0x80...: return 4
        default: return 10
        }
    }

    /// Letter frequency ranks a…z (e highest).
    private static let common: [Int] = [
        82, 15, 28, 43, 99, 22, 20, 61, 70, 2, 8, 40, 24, 67, 75, 19, 1, 60, 63, 91, 28, 10, 24, 2, 20, 1,
    ]

    /// Whether `haystack` contains `bytes` (on valid UTF-8 a hit always starts on a scalar boundary).
    func found(in haystack: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = bytes.count, h = haystack.count
        if n == 0 { return true }
        guard n <= h, let base = UnsafeRawPointer(haystack.baseAddress) else { return false }
        return bytes.withUnsafeBytes { needle in
            let pattern = needle.baseAddress!
            let target = Int32(needle[anchor])
            // Candidate starts are 0...h-n; their anchor bytes lie at anchor...h-n+anchor.
            var start = 0
            let last = h - n
            while start <= last {
                guard let hit = memchr(base + start + anchor, target, last - start + 1) else { return false }
                let at = base.distance(to: UnsafeRawPointer(hit)) - anchor
                if n == 1 || memcmp(base + at, pattern, n) == 0 { return true }
                start = at + 1
            }
            return false
        }
    }
}

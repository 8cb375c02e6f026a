/// Strings decoded from one feed's bytes, shared between its records: DefiLlama's
/// classifications, techniques, target types, languages and chains repeat from record to record,
/// so each distinct value becomes a `String` (and a one-element list) once and later records hold
/// the same storage. That saves the allocation and copy per field, and the memory of a large feed
/// (283k records, a few dozen distinct values).
///
/// `string` does not keep values of up to 15 bytes (Swift stores them inline, without an
/// allocation); `list` keeps any. The table is bounded (`capacity` values); once full, values are decoded as before.
struct RecordStrings {
    /// Distinct values kept at most (a hostile feed of unique values stops being cached).
    static let capacity = 4096
    /// Longer values are decoded every time (names of that length rarely repeat).
    static let maxLength = 96

    private struct Entry {
        var start: Int
        var count: Int
        var text: String
        /// `[text]`, made the first time a one-element list of it is asked for.
        var list: [String]?
    }

    /// The kept values' bytes, one after another.
    private var arena: [UInt8] = []
    private var entries: [Entry] = []
    /// Open addressing: entry index + 1, 0 for an empty bucket; twice `capacity` buckets.
    private var buckets = [Int32](repeating: 0, count: RecordStrings.capacity * 2)

    /// The text of `bytes` (UTF-8, invalid sequences repaired as `String(decoding:as:)` does).
    mutating func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard bytes.count > 15, let entry = entry(bytes) else { return String(decoding: bytes, as: UTF8.self) }
        return entries[entry].text
    }

    /// `[string(bytes)]`, sharing one array per distinct value.
    mutating func list(_ bytes: UnsafeBufferPointer<UInt8>) -> [String] {
        guard !bytes.isEmpty, let entry = entry(bytes) else { return [String(decoding: bytes, as: UTF8.self)] }
        if let list = entries[entry].list { return list }
        let list = [entries[entry].text]
        entries[entry].list = list
        return list
    }

    /// The entry holding `bytes`, added when missing; nil for values not cached (long, or the
    /// table full).
    private mutating func entry(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard bytes.count <= Self.maxLength, let base = bytes.baseAddress else { return nil }
        let mask = buckets.count - 1
        var bucket = Int(truncatingIfNeeded: Self.hash(base, bytes.count)) & mask
        while true {
            let stored = Int(buckets[bucket])
            if stored == 0 { break }
            let start = entries[stored - 1].start
            if entries[stored - 1].count == bytes.count,
               arena.withUnsafeBufferPointer({ Self.equal($0.baseAddress! + start, base, bytes.count) }) {
                return stored - 1
            }
            bucket = (bucket + 1) & mask
        }
        guard entries.count < Self.capacity else { return nil }
        entries.append(Entry(start: arena.count, count: bytes.count, text: String(decoding: bytes, as: UTF8.self)))
        arena.append(contentsOf: bytes)
        buckets[bucket] = Int32(entries.count)
        return entries.count - 1
    }

    /// A 64-bit hash of `count` bytes, a word at a time.
    private static func hash(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
        var hash = UInt64(truncatingIfNeeded: count) &* 0x9E37_79B9_7F4A_7C15
        var offset = 0
        while offset + 8 <= count {
            hash = (hash ^ UnsafeRawPointer(bytes + offset).loadUnaligned(as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 29
            offset += 8
        }
        while offset < count {
            hash = (hash ^ UInt64(bytes[offset])) &* 0x0100_0000_01B3
            offset += 1
        }
        return hash ^ (hash >> 32)
    }

    private static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var offset = 0
        while offset + 8 <= count {
            if UnsafeRawPointer(a + offset).loadUnaligned(as: UInt64.self) != UnsafeRawPointer(b + offset).loadUnaligned(as: UInt64.self) {
                return false
            }
            offset += 8
        }
        while offset < count {
            if a[offset] != b[offset] { return false }
            offset += 1
        }
        return true
    }
}

/// A 64-bit FNV-1a-style hash (eight bytes per step, with an extra shift-xor) whose value is the same in every process and on every run, unlike
/// Swift's `Hasher` (randomly seeded per process): it is stored, and compared across restarts.
///
/// Used for change detection only (an unchanged feed body, an unchanged record), never for
/// security: a collision makes one poll skip a change that the next real change brings in.
package struct StableHash: Sendable, Hashable {
    /// The hash so far.
    package private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    package init() {}

    /// Mixes in `bytes`, eight at a time where it can (a 10 MiB body in a few milliseconds).
    package mutating func combine(bytes: UnsafeRawBufferPointer) {
        var hash = value
        var offset = 0
        let count = bytes.count
        while offset + 8 <= count {
            hash = (hash ^ bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0x0000_0100_0000_01B3
            hash ^= hash >> 29
            offset += 8
        }
        while offset < count {
            hash = (hash ^ UInt64(bytes[offset])) &* 0x0000_0100_0000_01B3
            offset += 1
        }
        value = hash
    }

    /// Mixes in `bytes`.
    package mutating func combine(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { combine(bytes: $0) }
    }

    /// Mixes in a string and its length (so `"ab","c"` and `"a","bc"` differ).
    package mutating func combine(_ text: String) {
        var copy = text
        copy.withUTF8 { combine(bytes: UnsafeRawBufferPointer($0)) }
        combine(UInt64(text.utf8.count))
    }

    /// Mixes in an optional string; nil differs from "".
    package mutating func combine(_ text: String?) {
        if let text { combine(UInt64(1)); combine(text) } else { combine(UInt64(0)) }
    }

    /// Mixes in a list of strings and its count.
    package mutating func combine(_ list: [String]) {
        combine(UInt64(list.count))
        for item in list { combine(item) }
    }

    /// Mixes in an optional number (its bit pattern); nil differs from 0.
    package mutating func combine(_ number: Double?) {
        if let number { combine(UInt64(1)); combine(number.bitPattern) } else { combine(UInt64(0)) }
    }

    /// Mixes in one 64-bit word.
    package mutating func combine(_ word: UInt64) {
        withUnsafeBytes(of: word.littleEndian) { combine(bytes: $0) }
    }

    /// The value as a signed integer, as SQLite stores it.
    package var signed: Int64 { Int64(bitPattern: value) }
}

extension Incident {
    /// A stable hash of every stored field (not `update`, `previousLoss`, `changes`: they
    /// describe one evaluation). Equal hashes on two polls mean the feed's record did not
    /// change, so the pipeline skips it without reading the stored incident.
    ///
    /// A new stored field must be added here (`IncidentContentHashTests` counts the fields).
    package var contentHash: Int64 {
        var hash = StableHash()
        hash.combine(id)
        hash.combine(source)
        hash.combine(sources)
        hash.combine(name)
        hash.combine(title)
        hash.combine(summary)
        hash.combine(url)
        hash.combine(date?.timeIntervalSince1970)
        hash.combine(loss?.usd)
        hash.combine(returned?.usd)
        hash.combine(chains)
        hash.combine(classification)
        hash.combine(technique)
        hash.combine(bridge.map { $0 ? 1.0 : 0.0 })
        hash.combine(target)
        hash.combine(attribution)
        hash.combine(tags)
        hash.combine(addresses)
        hash.combine(transactions)
        hash.combine(defillamaId)
        hash.combine(parentProtocolId)
        hash.combine(exposure)
        hash.combine(exposureUSD?.usd)
        hash.combine(exposureOwner)
        hash.combine(attributionSource)
        return hash.signed
    }
}

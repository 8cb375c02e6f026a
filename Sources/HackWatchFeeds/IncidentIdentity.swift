import Foundation

/// Stable incident ids for sources without their own (DESIGN.md "Incident identity").
///
/// Base key: `normalised name | YYYY-MM-DD (UTC)`, hashed (FNV-1a 64, hex). When several records
/// of one poll share a base key (DefiLlama has such pairs: Mirror 2021-10-08, Merlin 2021-05-26),
/// the one with the largest amount keeps the bare key and the others get `| amount` appended,
/// then `| secondary` (e.g. technique), then `| n` (index among what is still equal, in feed
/// order) only if all of that is equal too. Why the largest keeps the bare key: ids must not
/// depend on feed order (DefiLlama is unsorted) nor on unrelated records, and the record already
/// known is usually the big one — a smaller same-day incident added later leaves its id alone.
/// The amount is not part of a lone record's key, so a revised loss keeps the id.
enum IncidentIdentity {
    /// A record waiting for an id.
    struct Draft {
        /// `baseKey(name:date:)` of the record.
        var base: String
        var amount: Double?
        /// Stable fields that tell same-day, same-amount records apart (e.g. technique), joined
        /// with "/" only when a tie needs them.
        var secondaryParts: [String?]
        var secondary: String { secondaryParts.compactMap { $0 }.joined(separator: "/") }

        init(base: String, amount: Double?, secondary: [String?]) {
            self.base = base
            self.amount = amount
            secondaryParts = secondary
        }
    }

    /// Ids for `drafts`, in the same order.
    static func ids(for drafts: [Draft], prefix: String = "") -> [String] {
        let bases = drafts.map(\.base)
        // Offsets of the bases seen more than once (rare): only those need tie-breaking.
        var first: [String: Int] = Dictionary(minimumCapacity: bases.count)
        var groups: [String: [Int]] = [:]
        for (offset, base) in bases.enumerated() {
            if let earlier = first.updateValue(offset, forKey: base) {
                groups[base, default: [earlier]].append(offset)
                first[base] = earlier
            }
        }
        var keys = bases
        for members in groups.values {
            let ordered = members.sorted { lhs, rhs in
                let a = drafts[lhs].amount ?? -1, b = drafts[rhs].amount ?? -1
                if a != b { return a > b }
                let left = drafts[lhs].secondary, right = drafts[rhs].secondary
                if left != right { return left < right }
                return lhs < rhs
            }
            let rest = ordered.dropFirst()
            let byAmount = Dictionary(grouping: rest) { bases[$0] + "|" + amountKey(drafts[$0].amount) }
            for (amountKeyed, sameAmount) in byAmount {
                guard sameAmount.count > 1 else { keys[sameAmount[0]] = amountKeyed; continue }
                var seen: [String: Int] = [:]
                for offset in sameAmount {  // still in `ordered` order: secondary, then feed order
                    let key = amountKeyed + "|" + normalise(drafts[offset].secondary)
                    let count = seen[key, default: 0]
                    seen[key] = count + 1
                    keys[offset] = count == 0 ? key : key + "|\(count)"
                }
            }
        }
        return keys.map { prefix + hash($0) }
    }

    static func baseKey(name: String, date: Date?) -> String {
        normalise(name) + "|" + (date.map(dayString) ?? "nodate")
    }

    private static func amountKey(_ amount: Double?) -> String {
        guard let amount else { return "null" }
        return amount == amount.rounded() && abs(amount) < 1e18 ? String(Int64(amount)) : String(amount)
    }

    /// Lowercased, diacritics folded, whitespace trimmed and collapsed.
    static func normalise(_ text: String) -> String {
        // ASCII (nearly every name): lowercasing is all the folding there is to do.
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            return FeedText.collapse(text, lowercasingASCII: true)
        }
        return FeedText.collapse(text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil))
    }

    /// `YYYY-MM-DD` in UTC.
    static func dayString(_ date: Date) -> String {
        // Int() traps past Int64; ingest turns such dates into unknown, this is the backstop.
        let daysSinceEpoch = (date.timeIntervalSince1970 / 86_400).rounded(.down)
        guard daysSinceEpoch.isFinite, abs(daysSinceEpoch) < 1e12 else { return "baddate" }
        let days = Int(daysSinceEpoch)
        let (y, m, d) = civil(fromDays: days)
        guard (0...9999).contains(y) else { return String(format: "%04d-%02d-%02d", y, m, d) }
        let digit = { (value: Int) in UInt8(ascii: "0") + UInt8(value) }
        let bytes: [UInt8] = [digit(y / 1000), digit(y / 100 % 10), digit(y / 10 % 10), digit(y % 10), UInt8(ascii: "-"),
                              digit(m / 10), digit(m % 10), UInt8(ascii: "-"), digit(d / 10), digit(d % 10)]
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Howard Hinnant's days-from-civil inverse (no Calendar: fast and locale-free).
    static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// FNV-1a 64 of the key's UTF-8, as 16 hex digits.
    static func hash(_ key: String) -> String {
        hex(hashValue(key))
    }

    /// FNV-1a 64 of the key's UTF-8 (`hash` without the hex).
    static func hashValue(_ key: String) -> UInt64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 { value = (value ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return value
    }

    /// `value` as 16 lowercase hex digits.
    static func hex(_ value: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { buffer in
            for position in 0..<16 {
                let nibble = UInt8(truncatingIfNeeded: value >> UInt64(60 - position * 4)) & 0xF
                buffer[position] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
            }
            return 16
        }
    }
}

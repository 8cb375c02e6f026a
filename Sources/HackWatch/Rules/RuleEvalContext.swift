import Foundation

/// One incident prepared for evaluation against many rules: case-folded strings, lists and
/// regex inputs are computed on first use, stored in one byte arena, and shared by every rule
/// that reads them.
public final class RuleEvalContext {
    /// The incident, read in place (the fast path in `RuleSet` borrows the caller's value).
    let pointer: UnsafePointer<Incident>
    private let storage: UnsafeMutablePointer<Incident>?
    /// `now` as seconds since 1970 (for `age`).
    public let now: Double
    private var arena: [UInt8] = []
    /// Per (field slot, kind): start and end in `arena` (-2 = not computed, -1 = null).
    /// Kinds: 0 folded, 1 as written, 2 folded list (start/end index into `elements`).
    private var spans: [Int32] = []
    /// Arena ranges (start, end pairs) of folded list elements.
    private var elements: [Int32] = []
    private var scalars: [Int: [UInt32]] = [:]

    /// Prepares `incident` for evaluation at `now` (keeps its own copy).
    public init(incident: Incident, now: Date) {
        let storage = UnsafeMutablePointer<Incident>.allocate(capacity: 1)
        storage.initialize(to: incident)
        self.storage = storage
        self.pointer = UnsafePointer(storage)
        self.now = now.timeIntervalSince1970
    }

    /// Reads the incident at `pointer`, which must outlive this context.
    init(borrowing pointer: UnsafePointer<Incident>, now: Double) {
        self.storage = nil
        self.pointer = pointer
        self.now = now
    }

    deinit {
        if let storage {
            storage.deinitialize(count: 1)
            storage.deallocate()
        }
    }

    /// The incident being evaluated.
    public var incident: Incident { pointer.pointee }

    /// The raw text of a string field (nil when unknown).
    func raw(_ field: RuleField) -> String? {
        let incident = pointer
        switch field {
        case .id: return incident.pointee.id
        case .source: return incident.pointee.source
        case .name: return incident.pointee.name
        case .title: return incident.pointee.title
        case .summary: return incident.pointee.summary
        case .text: return incident.pointee.text
        case .url: return incident.pointee.url
        case .classification: return incident.pointee.classification
        case .technique: return incident.pointee.technique
        case .target: return incident.pointee.target
        case .attribution: return incident.pointee.attribution
        default: return nil
        }
    }

    func rawList(_ field: RuleField) -> [String] {
        switch field {
        case .sources: pointer.pointee.sources
        case .chains: pointer.pointee.chains
        case .tags: pointer.pointee.tags
        default: []
        }
    }

    // MARK: arena

    @inline(__always)
    private func span(_ slot: Int, _ kind: Int) -> (Int32, Int32) {
        if spans.isEmpty {
            spans = [Int32](repeating: -2, count: RuleField.count * 6)
            arena.reserveCapacity(512)
        }
        let index = (slot * 3 + kind) * 2
        return (spans[index], spans[index + 1])
    }

    private func setSpan(_ slot: Int, _ kind: Int, _ start: Int, _ end: Int) {
        let index = (slot * 3 + kind) * 2
        spans[index] = Int32(start)
        spans[index + 1] = Int32(end)
    }

    /// Appends `text` to the arena, folded or as written; returns its range.
    private func append(_ text: String, folded: Bool) -> (Int, Int) {
        let start = arena.count
        var text = text
        text.withUTF8 { source in
            if !folded { arena.append(contentsOf: source); return }
            for byte in source {
                if byte >= 0x80 {
                    arena.removeSubrange(start...)
                    arena.append(contentsOf: CaseFold.foldUnicode(String(decoding: source, as: UTF8.self)).utf8)
                    return
                }
                arena.append(byte &- 65 < 26 ? byte | 0x20 : byte)
            }
        }
        return (start, arena.count)
    }

    /// Computes (once) the arena range of a string field; start -1 when null.
    private func stringSpan(_ field: RuleField, slot: Int, folded: Bool) -> (Int32, Int32) {
        let kind = folded ? 0 : 1
        let cached = span(slot, kind)
        if cached.0 != -2 { return cached }
        if field == .text {
            // text = (title or name) + "\n" + summary, built from the parts' ranges.
            let head = pointer.pointee.title == nil ? stringSpan(.name, slot: RuleField.name.slot, folded: folded)
                : stringSpan(.title, slot: RuleField.title.slot, folded: folded)
            let tail = pointer.pointee.summary == nil ? (-1, -1) : stringSpan(.summary, slot: RuleField.summary.slot, folded: folded)
            let start = arena.count
            let hasHead = head.0 >= 0 && head.1 > head.0, hasTail = tail.0 >= 0 && tail.1 > tail.0
            if hasHead { arena.append(contentsOf: arena[Int(head.0)..<Int(head.1)]) }
            if hasHead && hasTail { arena.append(10) }
            if hasTail { arena.append(contentsOf: arena[Int(tail.0)..<Int(tail.1)]) }
            setSpan(slot, kind, start, arena.count)
        } else if let text = raw(field) {
            let (start, end) = append(text, folded: folded)
            setSpan(slot, kind, start, end)
        } else {
            setSpan(slot, kind, -1, -1)
        }
        return span(slot, kind)
    }

    /// Runs `body` on the case-folded UTF-8 of a string field; nil when the field is unknown.
    @inline(__always)
    func withFolded<R>(_ field: RuleField, slot: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        let (start, end) = stringSpan(field, slot: slot, folded: true)
        if start < 0 { return nil }
        return arena.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[Int(start)..<Int(end)])) }
    }

    /// Runs `body` on the UTF-8 of a string field as written; nil when the field is unknown.
    @inline(__always)
    func withUTF8<R>(_ field: RuleField, slot: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        let (start, end) = stringSpan(field, slot: slot, folded: false)
        if start < 0 { return nil }
        return arena.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[Int(start)..<Int(end)])) }
    }

    /// Whether `test` holds for any case-folded element of a list field.
    func anyFoldedElement(_ field: RuleField, slot: Int, _ test: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        var (first, last) = span(slot, 2)
        if first == -2 {
            let begin = elements.count
            for item in rawList(field) {
                let (start, end) = append(item, folded: true)
                elements.append(Int32(start))
                elements.append(Int32(end))
            }
            setSpan(slot, 2, begin, elements.count)
            (first, last) = (Int32(begin), Int32(elements.count))
        }
        return arena.withUnsafeBufferPointer { buffer in
            var index = Int(first)
            while index < Int(last) {
                if test(UnsafeBufferPointer(rebasing: buffer[Int(elements[index])..<Int(elements[index + 1])])) { return true }
                index += 2
            }
            return false
        }
    }

    /// The case-folded UTF-8 of a string field (a copy; for the less common operand shapes).
    func folded(_ field: RuleField, slot: Int) -> [UInt8]? { withFolded(field, slot: slot) { Array($0) } }

    /// The case-folded elements of a list field (copies).
    func foldedList(_ field: RuleField, slot: Int) -> [[UInt8]] {
        var out: [[UInt8]] = []
        _ = anyFoldedElement(field, slot: slot) { out.append(Array($0)); return false }
        return out
    }

    /// Scalars of a string field for the regex VM: of the folded text when `folded`.
    func regexInput(_ field: RuleField, slot: Int, folded: Bool) -> [UInt32] {
        let key = slot * 2 + (folded ? 1 : 0)
        if let cached = scalars[key] { return cached }
        let body: (UnsafeBufferPointer<UInt8>) -> [UInt32] = { String(decoding: $0, as: UTF8.self).unicodeScalars.map(\.value) }
        let value = (folded ? withFolded(field, slot: slot, body) : withUTF8(field, slot: slot, body)) ?? []
        scalars[key] = value
        return value
    }
}

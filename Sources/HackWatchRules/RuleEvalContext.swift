import Foundation
import HackWatchModel

/// One incident prepared for evaluation against many rules: case-folded strings, lists and
/// regex inputs are computed on first use, stored in one byte arena, and shared by every rule
/// that reads them.
package final class RuleEvalContext {
    /// The incident, read in place (the fast path in `RuleSet` borrows the caller's value).
    let pointer: UnsafePointer<Incident>
    private let storage: UnsafeMutablePointer<Incident>?
    /// `now` as seconds since 1970 (for `age`).
    package let now: Double
    /// Mutable caches behind a pointer: no exclusivity checks or copy-on-write tests on the hot path.
    private let state: UnsafeMutablePointer<State>

    private struct State {
        /// Folded and plain field texts, back to back.
        var arena: UnsafeMutablePointer<UInt8>
        var count = 0
        var capacity: Int
        /// Per (field slot, kind): start and end in `arena` (-2 = not computed, -1 = null).
        /// Kinds: 0 folded, 1 as written, 2 folded list (start/end index into `elements`).
        var spans: UnsafeMutablePointer<Int32>
        /// Arena ranges (start, end pairs) of folded list elements.
        var elements: [Int32] = []
        /// Regex VM inputs per (slot, folded), made only when a literal prefilter passes.
        var scalars: [RegexInput?] = []
    }

    private static let spanCount = RuleField.count * 6
    private static let inlineArena = 1024
    private static let spansOffset = (MemoryLayout<State>.stride + 15) & ~15
    private static let arenaOffset = spansOffset + spanCount * 4

    /// One allocation holds the state, the span table and the first KiB of arena.
    private static func makeState() -> UnsafeMutablePointer<State> {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: arenaOffset + inlineArena, alignment: 16)
        let spans = (raw + spansOffset).bindMemory(to: Int32.self, capacity: spanCount)
        spans.initialize(repeating: -2, count: spanCount)
        let arena = (raw + arenaOffset).bindMemory(to: UInt8.self, capacity: inlineArena)
        let state = raw.bindMemory(to: State.self, capacity: 1)
        state.initialize(to: State(arena: arena, capacity: inlineArena, spans: spans))
        return state
    }

    /// Prepares `incident` for evaluation at `now` (keeps its own copy).
    package init(incident: Incident, now: Date) {
        let storage = UnsafeMutablePointer<Incident>.allocate(capacity: 1)
        storage.initialize(to: incident)
        self.storage = storage
        self.pointer = UnsafePointer(storage)
        self.now = now.timeIntervalSince1970
        self.state = Self.makeState()
    }

    /// Reads the incident at `pointer`, which must outlive this context.
    init(borrowing pointer: UnsafePointer<Incident>, now: Double) {
        self.storage = nil
        self.pointer = pointer
        self.now = now
        self.state = Self.makeState()
    }

    deinit {
        let raw = UnsafeMutableRawPointer(state)
        if UnsafeMutableRawPointer(state.pointee.arena) != raw + Self.arenaOffset { state.pointee.arena.deallocate() }
        state.deinitialize(count: 1)
        raw.deallocate()
        if let storage {
            storage.deinitialize(count: 1)
            storage.deallocate()
        }
    }

    /// The incident being evaluated.
    package var incident: Incident { pointer.pointee }

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
        case .exposureOwner: return incident.pointee.exposureOwner
        case .attributionSource: return incident.pointee.attributionSource
        default: return nil
        }
    }

    func rawList(_ field: RuleField) -> [String] {
        switch field {
        case .sources: pointer.pointee.sources
        case .chains: pointer.pointee.chains
        case .tags: pointer.pointee.tags
        case .exposure: pointer.pointee.exposure
        case .addresses: pointer.pointee.addresses
        case .transactions: pointer.pointee.transactions
        case .change: pointer.pointee.changes
        default: []
        }
    }

    // MARK: arena

    @inline(__always)
    private func span(_ slot: Int, _ kind: Int) -> (Int32, Int32) {
        let index = (slot * 3 + kind) * 2
        return (state.pointee.spans[index], state.pointee.spans[index + 1])
    }

    @inline(__always)
    private func setSpan(_ slot: Int, _ kind: Int, _ start: Int, _ end: Int) {
        let index = (slot * 3 + kind) * 2
        state.pointee.spans[index] = Int32(start)
        state.pointee.spans[index + 1] = Int32(end)
    }

    /// Makes room for `extra` more bytes.
    private func reserve(_ extra: Int) {
        let needed = state.pointee.count + extra
        guard needed > state.pointee.capacity else { return }
        let capacity = max(needed, state.pointee.capacity * 2)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        grown.update(from: state.pointee.arena, count: state.pointee.count)
        if UnsafeMutableRawPointer(state.pointee.arena) != UnsafeMutableRawPointer(state) + Self.arenaOffset {
            state.pointee.arena.deallocate()
        }
        state.pointee.arena = grown
        state.pointee.capacity = capacity
    }

    /// Appends bytes to the arena; returns their range.
    private func append(_ bytes: UnsafeBufferPointer<UInt8>) -> (Int, Int) {
        reserve(bytes.count)
        let start = state.pointee.count
        if let base = bytes.baseAddress { (state.pointee.arena + start).update(from: base, count: bytes.count) }
        state.pointee.count += bytes.count
        return (start, state.pointee.count)
    }

    /// Appends the arena's own range `from..<to` again (for `text`).
    private func appendCopy(_ from: Int32, _ to: Int32) {
        let length = Int(to - from)
        reserve(length)
        let arena = state.pointee.arena
        (arena + state.pointee.count).update(from: arena + Int(from), count: length)
        state.pointee.count += length
    }

    /// Appends `text` to the arena, folded or as written; returns its range.
    private func append(_ text: String, folded: Bool) -> (Int, Int) {
        var text = text
        let (start, end) = text.withUTF8 { append($0) }
        guard folded else { return (start, end) }
        // Fold ASCII in place; anything else takes the Unicode path.
        let arena = state.pointee.arena
        for index in start..<end {
            let byte = arena[index]
            if byte >= 0x80 {
                state.pointee.count = start
                var unicode = CaseFold.foldUnicode(text)
                return unicode.withUTF8 { append($0) }
            }
            arena[index] = byte &- 65 < 26 ? byte | 0x20 : byte
        }
        return (start, end)
    }

    @inline(__always)
    private func buffer(_ start: Int32, _ end: Int32) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: state.pointee.arena + Int(start), count: Int(end - start))
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
            let start = state.pointee.count
            let hasHead = head.0 >= 0 && head.1 > head.0, hasTail = tail.0 >= 0 && tail.1 > tail.0
            if hasHead { appendCopy(head.0, head.1) }
            if hasHead && hasTail {
                reserve(1)
                state.pointee.arena[state.pointee.count] = 10
                state.pointee.count += 1
            }
            if hasTail { appendCopy(tail.0, tail.1) }
            setSpan(slot, kind, start, state.pointee.count)
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
        return body(buffer(start, end))
    }

    /// Runs `body` on the UTF-8 of a string field as written; nil when the field is unknown.
    @inline(__always)
    func withUTF8<R>(_ field: RuleField, slot: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        let (start, end) = stringSpan(field, slot: slot, folded: false)
        if start < 0 { return nil }
        return body(buffer(start, end))
    }

    /// Whether `test` holds for any case-folded element of a list field.
    func anyFoldedElement(_ field: RuleField, slot: Int, _ test: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        var (first, last) = span(slot, 2)
        if first == -2 {
            let begin = state.pointee.elements.count
            for item in rawList(field) {
                let (start, end) = append(item, folded: true)
                state.pointee.elements.append(Int32(start))
                state.pointee.elements.append(Int32(end))
            }
            setSpan(slot, 2, begin, state.pointee.elements.count)
            (first, last) = (Int32(begin), Int32(state.pointee.elements.count))
        }
        var index = Int(first)
        while index < Int(last) {
            let elements = state.pointee.elements
            if test(buffer(elements[index], elements[index + 1])) { return true }
            index += 2
        }
        return false
    }

    /// The case-folded UTF-8 of a string field (a copy; for the less common operand shapes).
    func folded(_ field: RuleField, slot: Int) -> [UInt8]? { withFolded(field, slot: slot) { Array($0) } }

    /// The case-folded elements of a list field (copies).
    func foldedList(_ field: RuleField, slot: Int) -> [[UInt8]] {
        var out: [[UInt8]] = []
        _ = anyFoldedElement(field, slot: slot) { out.append(Array($0)); return false }
        return out
    }

    /// Characters of a field the regex VM looks at.
    static let maxRegexInput = 65_536

    /// Scalars of a string field for the regex VM: of the folded text when `folded`.
    func regexInput(_ field: RuleField, slot: Int, folded: Bool) -> RegexInput {
        let key = slot * 2 + (folded ? 1 : 0)
        if state.pointee.scalars.isEmpty { state.pointee.scalars = [RegexInput?](repeating: nil, count: RuleField.count * 2) }
        if let cached = state.pointee.scalars[key] { return cached }
        // The VM's cost is program size x input length: bound the input so one huge summary
        // cannot stall evaluation (plain-literal patterns still search the whole text).
        let body: (UnsafeBufferPointer<UInt8>) -> RegexInput = {
            let all = String(decoding: $0, as: UTF8.self).unicodeScalars
            let values = Array(all.prefix(Self.maxRegexInput + 1).map(\.value))
            return values.count > Self.maxRegexInput
                ? RegexInput(scalars: Array(values.prefix(Self.maxRegexInput)), complete: false)
                : RegexInput(scalars: values, complete: true)
        }
        let value = (folded ? withFolded(field, slot: slot, body) : withUTF8(field, slot: slot, body)) ?? RegexInput(scalars: [], complete: true)
        state.pointee.scalars[key] = value
        return value
    }
}

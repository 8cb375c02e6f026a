import Foundation
import HackWatchModel

/// One incident prepared for evaluation against many rules: case-folded strings, lists and
/// regex inputs are computed on first use, stored in one byte arena, and shared by every rule
/// that reads them.
///
/// A context is three words on the caller's stack, valid only inside `with` (it points at the
/// incident and at a stack slot): evaluating an incident allocates nothing. The caches live in a
/// scratch block taken from this thread's pool the first time a rule reads a string (a rule on
/// numbers alone never touches it) and handed back, reset, when `with` returns.
package struct RuleEvalContext {
    /// The incident, read in place (borrowed from the caller).
    let pointer: UnsafePointer<Incident>
    /// `now` as seconds since 1970 (for `age`).
    package let now: Double
    /// The caller's stack slot for the scratch block, nil until a rule needs it.
    private let slot: UnsafeMutablePointer<UnsafeMutablePointer<State>?>

    private init(pointer: UnsafePointer<Incident>, now: Double, slot: UnsafeMutablePointer<UnsafeMutablePointer<State>?>) {
        self.pointer = pointer
        self.now = now
        self.slot = slot
    }

    /// Runs `body` with a context for the incident at `pointer` (which must outlive the call);
    /// the context must not escape `body`.
    @inline(__always)
    package static func with<R>(_ pointer: UnsafePointer<Incident>, now: Double, _ body: (RuleEvalContext) throws -> R) rethrows -> R {
        var scratch: UnsafeMutablePointer<State>? = nil
        defer { if let scratch { Scratch.release(scratch) } }
        return try withUnsafeMutablePointer(to: &scratch) { try body(RuleEvalContext(pointer: pointer, now: now, slot: $0)) }
    }

    /// Runs `body` with a context for `incident` evaluated at `now`.
    @inline(__always)
    package static func with<R>(_ incident: Incident, now: Date, _ body: (RuleEvalContext) throws -> R) rethrows -> R {
        try withUnsafePointer(to: incident) { try with($0, now: now.timeIntervalSince1970, body) }
    }

    /// The scratch block, taken from the pool on first use.
    private var state: UnsafeMutablePointer<State> {
        @inline(__always) get {
            if let state = slot.pointee { return state }
            let state = Scratch.acquire()
            slot.pointee = state
            return state
        }
    }

    /// Mutable caches behind a pointer: no exclusivity checks or copy-on-write tests on the hot path.
    fileprivate struct State {
        /// Folded and plain field texts, back to back.
        var arena: UnsafeMutablePointer<UInt8>
        var count = 0
        var capacity: Int
        /// Per (field slot, kind): start and end in `arena` (-2 = not computed, -1 = null).
        /// Kinds: 0 folded, 1 as written, 2 folded list (start/end index into `elements`).
        var spans: UnsafeMutablePointer<Int32>
        /// Which span pairs this incident set (so the reset touches only those).
        var touched: UnsafeMutablePointer<Int16>
        var touchedCount = 0
        /// Arena ranges (start, end pairs) of folded list elements.
        var elements: [Int32] = []
        /// Regex VM inputs (scalar values), back to back; made only when a literal prefilter passes.
        var scalars: UnsafeMutablePointer<UInt32>? = nil
        var scalarCount = 0
        var scalarCapacity = 0
        /// Per (slot, folded): start, end in `scalars` and 1 when complete (-1 = not made yet).
        var scalarSpans: [Int32] = []
        var scalarsUsed = false
        /// The regex VM's lists, kept for the thread's next search.
        var regexWork = RegexWork()
    }

    /// The per-thread pool of scratch blocks: one kept per thread, more only when evaluations nest.
    fileprivate enum Scratch {
        static let spanCount = RuleField.count * 6
        static let inlineArena = 1024
        /// A grown arena larger than this is freed at release rather than kept for the thread.
        static let keptArena = 64 * 1024
        static let spansOffset = (MemoryLayout<State>.stride + 15) & ~15
        static let touchedOffset = spansOffset + spanCount * 4
        static let arenaOffset = (touchedOffset + spanCount + 15) & ~15

        /// Holds each thread's spare block; the destructor frees it when the thread ends.
        static let key: pthread_key_t = {
            var key = pthread_key_t()
            pthread_key_create(&key) { raw in
                if let raw { Scratch.free(raw.assumingMemoryBound(to: State.self)) }
            }
            return key
        }()

        /// One allocation holds the state, the span table, the touched list and the first KiB of arena.
        static func make() -> UnsafeMutablePointer<State> {
            let raw = UnsafeMutableRawPointer.allocate(byteCount: arenaOffset + inlineArena, alignment: 16)
            let spans = (raw + spansOffset).bindMemory(to: Int32.self, capacity: spanCount)
            spans.initialize(repeating: -2, count: spanCount)
            let touched = (raw + touchedOffset).bindMemory(to: Int16.self, capacity: spanCount / 2)
            let arena = (raw + arenaOffset).bindMemory(to: UInt8.self, capacity: inlineArena)
            let state = raw.bindMemory(to: State.self, capacity: 1)
            state.initialize(to: State(arena: arena, capacity: inlineArena, spans: spans, touched: touched))
            return state
        }

        static func isInline(_ state: UnsafeMutablePointer<State>) -> Bool {
            UnsafeMutableRawPointer(state.pointee.arena) == UnsafeMutableRawPointer(state) + arenaOffset
        }

        static func free(_ state: UnsafeMutablePointer<State>) {
            if !isInline(state) { state.pointee.arena.deallocate() }
            state.pointee.scalars?.deallocate()
            state.deinitialize(count: 1)
            UnsafeMutableRawPointer(state).deallocate()
        }

        static func acquire() -> UnsafeMutablePointer<State> {
            guard let spare = pthread_getspecific(key) else { return make() }
            pthread_setspecific(key, nil)
            return spare.assumingMemoryBound(to: State.self)
        }

        /// Resets what the last incident cached and keeps the block for this thread's next one.
        static func release(_ state: UnsafeMutablePointer<State>) {
            let spans = state.pointee.spans, touched = state.pointee.touched
            for index in 0..<state.pointee.touchedCount {
                let pair = Int(touched[index]) * 2
                spans[pair] = -2
                spans[pair + 1] = -2
            }
            state.pointee.touchedCount = 0
            state.pointee.count = 0
            if !state.pointee.elements.isEmpty { state.pointee.elements.removeAll(keepingCapacity: true) }
            if state.pointee.scalarsUsed {
                for index in state.pointee.scalarSpans.indices { state.pointee.scalarSpans[index] = -1 }
                state.pointee.scalarCount = 0
                state.pointee.scalarsUsed = false
                if state.pointee.scalarCapacity * 4 > keptArena {
                    state.pointee.scalars?.deallocate()
                    state.pointee.scalars = nil
                    state.pointee.scalarCapacity = 0
                }
            }
            if state.pointee.capacity > keptArena {
                state.pointee.arena.deallocate()
                state.pointee.arena = (UnsafeMutableRawPointer(state) + arenaOffset).bindMemory(to: UInt8.self, capacity: inlineArena)
                state.pointee.capacity = inlineArena
            }
            if pthread_getspecific(key) == nil {
                pthread_setspecific(key, state)
            } else {
                free(state)
            }
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
        let state = self.state
        let pair = slot * 3 + kind
        state.pointee.spans[pair * 2] = Int32(start)
        state.pointee.spans[pair * 2 + 1] = Int32(end)
        state.pointee.touched[state.pointee.touchedCount] = Int16(pair)
        state.pointee.touchedCount += 1
    }

    /// Makes room for `extra` more bytes.
    private func reserve(_ extra: Int) {
        let needed = state.pointee.count + extra
        guard needed > state.pointee.capacity else { return }
        let capacity = max(needed, state.pointee.capacity * 2)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        grown.update(from: state.pointee.arena, count: state.pointee.count)
        if !Scratch.isInline(state) { state.pointee.arena.deallocate() }
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
        if CaseFold.foldASCIIInPlace(state.pointee.arena + start, count: end - start) { return (start, end) }
        // Start again, scalar by scalar, writing the fold straight into the arena: the same
        // result as `CaseFold.foldUnicode` (each scalar's lowercase mapping, then ß ς ſ), with no
        // String made (the mappings are small strings, stored inline).
        state.pointee.count = start
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                let byte = UInt8(scalar.value)
                appendScalar(byte &- 65 < 26 ? byte | 0x20 : byte)
                continue
            }
            for mapped in scalar.properties.lowercaseMapping.unicodeScalars {
                switch mapped {
                case "ß": appendScalar(0x73); appendScalar(0x73)
                case "ſ": appendScalar(0x73)
                case "ς": appendScalar("σ")
                default: appendScalar(mapped)
                }
            }
        }
        return (start, state.pointee.count)
    }

    private func appendScalar(_ byte: UInt8) {
        reserve(1)
        state.pointee.arena[state.pointee.count] = byte
        state.pointee.count += 1
    }

    private func appendScalar(_ scalar: Unicode.Scalar) {
        reserve(4)
        UTF8.encode(scalar) { byte in
            state.pointee.arena[state.pointee.count] = byte
            state.pointee.count += 1
        }
    }

    @inline(__always)
    private func buffer(_ start: Int32, _ end: Int32) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: state.pointee.arena + Int(start), count: Int(end - start))
    }

    /// Slots of `text`'s parts, looked up once (`RuleField.slot` is a dictionary lookup).
    private static let nameSlot = RuleField.name.slot, titleSlot = RuleField.title.slot, summarySlot = RuleField.summary.slot

    /// Computes (once) the arena range of a string field; start -1 when null.
    private func stringSpan(_ field: RuleField, slot: Int, folded: Bool) -> (Int32, Int32) {
        let kind = folded ? 0 : 1
        let cached = span(slot, kind)
        if cached.0 != -2 { return cached }
        if field == .text {
            // text = (title or name) + "\n" + summary, built from the parts' ranges.
            let head = pointer.pointee.title == nil ? stringSpan(.name, slot: Self.nameSlot, folded: folded)
                : stringSpan(.title, slot: Self.titleSlot, folded: folded)
            let tail = pointer.pointee.summary == nil ? (-1, -1) : stringSpan(.summary, slot: Self.summarySlot, folded: folded)
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

    /// Runs `program`'s VM over a string field's scalars (of the folded text when `folded`),
    /// decoded once per incident into the scratch block; allocates nothing once the block has grown.
    func regexRun(_ program: RegexProgram, _ field: RuleField, slot: Int, folded: Bool) -> Bool {
        let state = self.state
        if state.pointee.scalarSpans.isEmpty { state.pointee.scalarSpans = [Int32](repeating: -1, count: RuleField.count * 6) }
        let key = (slot * 2 + (folded ? 1 : 0)) * 3
        if state.pointee.scalarSpans[key] < 0 {
            state.pointee.scalarsUsed = true
            let made = (folded ? withFolded(field, slot: slot, appendScalars) : withUTF8(field, slot: slot, appendScalars))
                ?? (state.pointee.scalarCount, state.pointee.scalarCount, true)
            state.pointee.scalarSpans[key] = Int32(made.0)
            state.pointee.scalarSpans[key + 1] = Int32(made.1)
            state.pointee.scalarSpans[key + 2] = made.2 ? 1 : 0
        }
        let start = Int(state.pointee.scalarSpans[key]), end = Int(state.pointee.scalarSpans[key + 1])
        let input = UnsafeBufferPointer(start: state.pointee.scalars.map { $0 + start }, count: end - start)
        return program.simulate(input, complete: state.pointee.scalarSpans[key + 2] == 1, work: &state.pointee.regexWork)
    }

    /// Decodes UTF-8 into the scalar buffer, at most `maxRegexInput` scalars: the VM's cost is
    /// program size x input length, so one huge summary cannot stall evaluation (plain-literal
    /// patterns still search the whole text). Returns the range and whether it is all there.
    private func appendScalars(_ bytes: UnsafeBufferPointer<UInt8>) -> (Int, Int, Bool) {
        let state = self.state
        let most = min(bytes.count, Self.maxRegexInput)  // never more scalars than bytes
        let needed = state.pointee.scalarCount + most
        if needed > state.pointee.scalarCapacity {
            let capacity = max(needed, state.pointee.scalarCapacity * 2, 256)
            let grown = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)
            if let old = state.pointee.scalars {
                grown.update(from: old, count: state.pointee.scalarCount)
                old.deallocate()
            }
            state.pointee.scalars = grown
            state.pointee.scalarCapacity = capacity
        }
        let out = state.pointee.scalars! + state.pointee.scalarCount
        let start = state.pointee.scalarCount
        var count = 0
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var complete = true
        decoding: while true {
            let result = decoder.decode(&iterator)
            if case .emptyInput = result { break decoding }
            if count == Self.maxRegexInput { complete = false; break decoding }
            switch result {
            case .scalarValue(let scalar): out[count] = scalar.value
            default: out[count] = 0xFFFD
            }
            count += 1
        }
        state.pointee.scalarCount += count
        return (start, start + count, complete)
    }
}

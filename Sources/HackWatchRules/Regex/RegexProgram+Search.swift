/// The Pike VM's work lists, kept between runs (in the evaluation scratch block) so a search
/// allocates nothing once they have grown to the program's size.
struct RegexWork {
    var marks: [Int] = []
    var current: [Int] = []
    var next: [Int] = []
    var stack: [Int] = []
    /// Generation stamp for `marks`: only ever increases, so marks from earlier runs are stale.
    var listID = 0
}

extension RegexProgram {
    /// True when the pattern matches anywhere in `text`.
    func search(text: String) -> Bool {
        let bytes = caseInsensitive ? CaseFold.fold(text) : Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            search(bytes: buffer) {
                let scalars = String(decoding: bytes, as: UTF8.self).unicodeScalars.map(\.value)
                var work = RegexWork()
                return scalars.withUnsafeBufferPointer { simulate($0, complete: true, work: &work) }
            }
        }
    }

    /// Searches `bytes` (the UTF-8 of the input, case-folded with `CaseFold.fold` when the
    /// pattern is case-insensitive); `run` runs the VM over the same text as scalars, asked for
    /// only when the literal shortcuts cannot decide.
    func search(bytes: UnsafeBufferPointer<UInt8>, run: () -> Bool) -> Bool {
        if let literalBytes {
            for needle in literalBytes where needle.found(in: bytes) { return true }
            return false
        }
        if let requiredBytes, !requiredBytes.found(in: bytes) { return false }
        return run()
    }

    private func isWordAt(_ input: UnsafeBufferPointer<UInt32>, _ pos: Int) -> Bool {
        pos >= 0 && pos < input.count && RegexCharSet.isWord(input[pos])
    }

    /// The Pike VM: one list of live program counters per input position.
    /// `complete` is false when `input` was cut short (then `$` cannot match at its end).
    func simulate(_ input: UnsafeBufferPointer<UInt32>, complete: Bool, work: inout RegexWork) -> Bool {
        let count = insts.count
        // Borrow the kept lists (swapped out, so no copy-on-write), hand them back at the end.
        var marks: [Int] = [], current: [Int] = [], next: [Int] = [], stack: [Int] = []
        swap(&marks, &work.marks)
        swap(&current, &work.current)
        swap(&next, &work.next)
        swap(&stack, &work.stack)
        var listID = work.listID + 1
        defer {
            current.removeAll(keepingCapacity: true)
            next.removeAll(keepingCapacity: true)
            stack.removeAll(keepingCapacity: true)
            swap(&marks, &work.marks)
            swap(&current, &work.current)
            swap(&next, &work.next)
            swap(&stack, &work.stack)
            work.listID = listID
        }
        if marks.count < count { marks.append(contentsOf: repeatElement(-1, count: count - marks.count)) }
        current.reserveCapacity(count)
        next.reserveCapacity(count)

        // Follows jumps, splits and assertions from `pc`; returns true on reaching `match`.
        func add(_ pc: Int, _ pos: Int, _ list: inout [Int]) -> Bool {
            stack.append(pc)
            while let pc = stack.popLast() {
                if marks[pc] == listID { continue }
                marks[pc] = listID
                switch insts[pc] {
                case .match: stack.removeAll(keepingCapacity: true); return true
                case .jump(let target): stack.append(target)
                case .split(let a, let b): stack.append(b); stack.append(a)
                case .lineStart:
                    if pos == 0 || (multiline && input[pos - 1] == 10) { stack.append(pc + 1) }
                case .lineEnd:
                    // A cut-off input has no end: `$` must not match where it was cut.
                    if pos == input.count ? complete : (multiline && input[pos] == 10) { stack.append(pc + 1) }
                case .wordBoundary(let negated):
                    if (isWordAt(input, pos - 1) != isWordAt(input, pos)) != negated { stack.append(pc + 1) }
                case .char, .any, .set: list.append(pc)
                }
            }
            return false
        }

        var pos = 0
        while true {
            if add(0, pos, &current) { return true }
            if pos == input.count { return false }
            let c = input[pos]
            listID += 1
            next.removeAll(keepingCapacity: true)
            for pc in current {
                let advance: Bool
                switch insts[pc] {
                case .char(let expected): advance = c == expected
                case .any: advance = dotAll || c != 10
                case .set(let index): advance = sets[index].contains(c, caseInsensitive: caseInsensitive)
                default: advance = false
                }
                if advance, add(pc + 1, pos + 1, &next) { return true }
            }
            swap(&current, &next)
            pos += 1
        }
    }
}

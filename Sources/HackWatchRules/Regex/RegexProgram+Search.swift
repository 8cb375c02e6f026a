/// The scalars a regex VM runs over; `complete` is false when a long text was cut short.
struct RegexInput {
    var scalars: [UInt32]
    var complete: Bool
}

extension RegexProgram {
    /// True when the pattern matches anywhere in `text`.
    func search(text: String) -> Bool {
        let bytes = caseInsensitive ? CaseFold.fold(text) : Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            search(bytes: buffer) { RegexInput(scalars: String(decoding: bytes, as: UTF8.self).unicodeScalars.map(\.value), complete: true) }
        }
    }

    /// Searches `bytes` (the UTF-8 of the input, case-folded with `CaseFold.fold` when the
    /// pattern is case-insensitive); `scalars` gives the same text as scalar values, asked for
    /// only when the literal shortcuts cannot decide.
    func search(bytes: UnsafeBufferPointer<UInt8>, scalars: () -> RegexInput) -> Bool {
        if let literalBytes { return literalBytes.contains { CaseFold.contains(bytes, $0) } }
        if let requiredBytes, !CaseFold.contains(bytes, requiredBytes) { return false }
        let input = scalars()
        return simulate(input.scalars, complete: input.complete)
    }

    private func isWordAt(_ input: [UInt32], _ pos: Int) -> Bool {
        pos >= 0 && pos < input.count && RegexCharSet.isWord(input[pos])
    }

    /// The Pike VM: one list of live program counters per input position.
    func simulate(_ input: [UInt32], complete: Bool = true) -> Bool {
        let count = insts.count
        var marks = [Int](repeating: -1, count: count)
        var current: [Int] = [], next: [Int] = []
        current.reserveCapacity(count)
        next.reserveCapacity(count)
        var stack: [Int] = []
        var listID = 0

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

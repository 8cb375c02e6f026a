/// A compiled regular expression, matched by a Pike VM (Thompson NFA simulation): time is linear
/// in the input length times the program size, so no pattern can backtrack catastrophically.
struct RegexProgram: Sendable {
    enum Inst: Sendable {
        case char(UInt32)
        case any
        case set(Int)
        case split(Int, Int)
        case jump(Int)
        case lineStart, lineEnd
        case wordBoundary(negated: Bool)
        case match
    }

    /// Largest program accepted (instructions), which bounds the cost per input scalar.
    static let maxInstructions = 10_000

    var insts: [Inst] = []
    var sets: [RegexCharSet] = []
    let caseInsensitive: Bool
    let dotAll: Bool
    let multiline: Bool
    /// When the whole pattern is an alternation of plain literals: a substring search suffices.
    var literals: [[UInt32]]?
    /// `literals` as UTF-8, searched in the (folded) UTF-8 of the input.
    var literalBytes: [Needle]?
    /// A literal every match contains (UTF-8): inputs without it are rejected before the VM runs.
    var requiredBytes: Needle?

    /// Compiles `pattern` with `flags` (any of `i`, `s`, `m`).
    init(pattern: String, flags: String) throws(RegexSyntaxError) {
        caseInsensitive = flags.contains("i")
        dotAll = flags.contains("s")
        multiline = flags.contains("m")
        let node = try RegexParser.parse(pattern, caseInsensitive: caseInsensitive)
        if Self.size(node) > Self.maxInstructions {
            throw RegexSyntaxError(message: "regular expression too large (over \(Self.maxInstructions) instructions once repetitions are expanded)", offset: 0, length: max(1, pattern.unicodeScalars.count))
        }
        literals = Self.literalAlternatives(node)
        literalBytes = literals?.map { Needle(Self.utf8($0)) }
        requiredBytes = Self.requiredLiteral(node).map { Needle(Self.utf8($0)) }
        emit(node)
        insts.append(.match)
    }

    /// Instruction count `node` compiles to (saturating).
    static func size(_ node: RegexNode) -> Int {
        switch node {
        case .empty: return 0
        case .char, .any, .set, .lineStart, .lineEnd, .wordBoundary: return 1
        case .concat(let items): return items.reduce(0) { min($0 + size($1), Int(Int32.max)) }
        case .alternate(let items): return items.reduce(0) { min($0 + size($1) + 2, Int(Int32.max)) }
        case .repeated(let inner, let low, let high):
            let one = size(inner) + 2
            let copies = max(low, high ?? low + 1, 1)
            return one > maxInstructions ? one : min(one * copies, Int(Int32.max))
        }
    }

    static func utf8(_ scalars: [UInt32]) -> [UInt8] {
        var text = ""
        for value in scalars { text.unicodeScalars.append(Unicode.Scalar(value) ?? "\u{FFFD}") }
        return Array(text.utf8)
    }

    /// The longest run of plain characters in the top-level sequence (nested concatenations
    /// such as a folded `ß` flattened): every match contains it.
    static func requiredLiteral(_ node: RegexNode) -> [UInt32]? {
        var flat: [RegexNode] = []
        var stack = [node]
        while let item = stack.popLast() {
            if case .concat(let items) = item { stack.append(contentsOf: items.reversed()) } else { flat.append(item) }
        }
        var best: [UInt32] = [], run: [UInt32] = []
        for item in flat {
            if case .char(let c) = item { run.append(c) } else { run = [] }
            if run.count > best.count { best = run }
        }
        return best.isEmpty ? nil : best
    }

    static func literalAlternatives(_ node: RegexNode) -> [[UInt32]]? {
        func literal(_ node: RegexNode) -> [UInt32]? {
            switch node {
            case .char(let c): return [c]
            case .concat(let items):
                var out: [UInt32] = []
                for item in items {
                    guard let part = literal(item) else { return nil }
                    out += part
                }
                return out
            default: return nil
            }
        }
        if case .alternate(let branches) = node {
            let all = branches.compactMap(literal)
            return all.count == branches.count && !all.contains(where: \.isEmpty) ? all : nil
        }
        return literal(node).map { [$0] }
    }

    private mutating func emit(_ node: RegexNode) {
        switch node {
        case .empty: break
        case .char(let c): insts.append(.char(c))
        case .any: insts.append(.any)
        case .set(let set): sets.append(set); insts.append(.set(sets.count - 1))
        case .lineStart: insts.append(.lineStart)
        case .lineEnd: insts.append(.lineEnd)
        case .wordBoundary(let negated): insts.append(.wordBoundary(negated: negated))
        case .concat(let items): for item in items { emit(item) }
        case .alternate(let branches):
            var jumps: [Int] = []
            for (index, branch) in branches.enumerated() {
                if index < branches.count - 1 {
                    let split = insts.count
                    insts.append(.split(split + 1, -1))
                    emit(branch)
                    jumps.append(insts.count)
                    insts.append(.jump(-1))
                    insts[split] = .split(split + 1, insts.count)
                } else {
                    emit(branch)
                }
            }
            for jump in jumps { insts[jump] = .jump(insts.count) }
        case .repeated(let inner, let low, let high):
            for _ in 0..<low { emit(inner) }
            if let high {
                // Each optional copy: split(take, skip-to-end).
                var splits: [Int] = []
                for _ in low..<high {
                    splits.append(insts.count)
                    insts.append(.split(insts.count + 1, -1))
                    emit(inner)
                }
                for split in splits { insts[split] = .split(split + 1, insts.count) }
            } else {
                let loop = insts.count
                insts.append(.split(loop + 1, -1))
                emit(inner)
                insts.append(.jump(loop))
                insts[loop] = .split(loop + 1, insts.count)
            }
        }
    }
}

/// A compiled condition: evaluates against a prepared incident.
package typealias RulePredicate = @Sendable (RuleEvalContext) -> Bool

/// A predicate stored in a collection. Collections keep bare closures at their most generic
/// representation, so every call would go through a reabstraction thunk (and retain); a struct
/// field keeps the closure's own representation.
struct StoredPredicate: Sendable {
    let call: RulePredicate
}

/// Pass 4: compiles typed conditions to closures. Literal operands are folded and captured once;
/// field operands read the context's per-incident caches. Null semantics: any comparison with an
/// unknown operand is false, including `!=` and `not in`.
struct RuleCompiler {
    var macros: [Int: StoredPredicate] = [:]
    /// Typed macro bodies (for cost estimates and the reference evaluator).
    var macroBodies: [Int: TypedCondition] = [:]

    typealias Getter<T> = @Sendable (RuleEvalContext) -> T?

    func compile(_ condition: TypedCondition) -> RulePredicate {
        switch condition {
        case .constant(let value): return { _ in value }
        case .boolField(let field):
            let get = boolGetter(.field(field))
            return { get($0) == true }
        case .not(let inner):
            let p = compile(inner)
            return { !p($0) }
        case .and(let written):
            let items = ordered(written)
            if items.count == 2 {
                let a = compile(items[0]), b = compile(items[1])
                return { a($0) && b($0) }
            }
            let ps = items.map { StoredPredicate(call: compile($0)) }
            return { ctx in
                ps.withUnsafeBufferPointer { buffer in
                    for index in buffer.indices where !buffer[index].call(ctx) { return false }
                    return true
                }
            }
        case .or(let written):
            let items = ordered(written)
            if items.count == 2 {
                let a = compile(items[0]), b = compile(items[1])
                return { a($0) || b($0) }
            }
            let ps = items.map { StoredPredicate(call: compile($0)) }
            return { ctx in
                ps.withUnsafeBufferPointer { buffer in
                    for index in buffer.indices where buffer[index].call(ctx) { return true }
                    return false
                }
            }
        case .macro(let index):
            if let stored = macros[index] { return stored.call }
            return { _ in false }
        case .compare(let op, let lhs, let rhs, let kind):
            return compare(op, lhs, rhs, kind)
        case .membership(let lhs, let rhs, let kind, let negated):
            return membership(lhs, rhs, kind, negated: negated)
        case .contains(let lhs, let rhs, let kind, let listLeft):
            if listLeft {
                // A list contains an element: the same as `element in list`.
                return membership(rhs, lhs, kind, negated: false)
            }
            if case .field(let field) = lhs, let constant = Self.constantString(rhs) {
                let slot = field.slot, needle = Needle(constant)
                return { ctx in ctx.withFolded(field, slot: slot) { needle.found(in: $0) } ?? false }
            }
            let hay = stringGetter(lhs), needle = stringGetter(rhs)
            return { ctx in
                guard let h = hay(ctx), let n = needle(ctx) else { return false }
                return CaseFold.contains(h, n)
            }
        case .startsWith(let lhs, let rhs):
            if case .field(let field) = lhs, let constant = Self.constantString(rhs) {
                let slot = field.slot
                return { ctx in ctx.withFolded(field, slot: slot) { CaseFold.hasPrefix($0, constant) } ?? false }
            }
            let a = stringGetter(lhs), b = stringGetter(rhs)
            return { ctx in
                guard let x = a(ctx), let y = b(ctx) else { return false }
                return CaseFold.hasPrefix(x, y)
            }
        case .endsWith(let lhs, let rhs):
            if case .field(let field) = lhs, let constant = Self.constantString(rhs) {
                let slot = field.slot
                return { ctx in ctx.withFolded(field, slot: slot) { CaseFold.hasSuffix($0, constant) } ?? false }
            }
            let a = stringGetter(lhs), b = stringGetter(rhs)
            return { ctx in
                guard let x = a(ctx), let y = b(ctx) else { return false }
                return CaseFold.hasSuffix(x, y)
            }
        case .matches(let lhs, let program):
            let folded = program.caseInsensitive
            switch lhs {
            case .field(let field):
                let slot = field.slot
                if folded {
                    return { ctx in
                        ctx.withFolded(field, slot: slot) { program.search(bytes: $0) { ctx.regexRun(program, field, slot: slot, folded: true) } } ?? false
                    }
                }
                return { ctx in
                    ctx.withUTF8(field, slot: slot) { program.search(bytes: $0) { ctx.regexRun(program, field, slot: slot, folded: false) } } ?? false
                }
            case .literal(.string(let text)):
                let result = program.search(text: text)
                return { _ in result }
            case .literal:
                return { _ in false }
            }
        case .exists(let field):
            return Self.exists(field)
        }
    }

    static func exists(_ field: RuleField) -> RulePredicate {
        switch field.type {
        case .string: return { ctx in !(ctx.raw(field)?.isEmpty ?? true) }
        case .list: return { ctx in !ctx.rawList(field).isEmpty }
        case .bool:
            if field == .update || field == .exposed { return { _ in true } }
            return { $0.pointer.pointee.bridge != nil }
        default:
            let get = numberGetter(.field(field))
            return { get($0) != nil }
        }
    }

    // MARK: comparisons

    func compare(_ op: RuleBinaryOperator, _ lhs: RuleValueRef, _ rhs: RuleValueRef, _ kind: RuleScalarKind) -> RulePredicate {
        switch kind {
        case .numeric, .duration, .time:
            let a = Self.numberGetter(lhs)
            let test: @Sendable (Double, Double) -> Bool
            switch op {
            case .equal: test = { $0 == $1 }
            case .notEqual: test = { $0 != $1 }
            case .less: test = { $0 < $1 }
            case .lessEqual: test = { $0 <= $1 }
            case .greater: test = { $0 > $1 }
            default: test = { $0 >= $1 }
            }
            if case .literal(let literal) = rhs, let constant = Self.number(literal) {
                // The common `field OP constant`: one closure call, no boxing.
                switch op {
                case .greaterEqual: return { ctx in a(ctx).map { $0 >= constant } ?? false }
                case .greater: return { ctx in a(ctx).map { $0 > constant } ?? false }
                case .less: return { ctx in a(ctx).map { $0 < constant } ?? false }
                case .lessEqual: return { ctx in a(ctx).map { $0 <= constant } ?? false }
                default: return { ctx in a(ctx).map { test($0, constant) } ?? false }
                }
            }
            let b = Self.numberGetter(rhs)
            return { ctx in
                guard let x = a(ctx), let y = b(ctx) else { return false }
                return test(x, y)
            }
        case .string:
            let equal = op == .equal
            var (field, other) = (lhs, rhs)
            if case .literal = lhs { (field, other) = (rhs, lhs) }
            if case .field(let f) = field, let constant = Self.constantString(other) {
                let slot = f.slot
                return { ctx in ctx.withFolded(f, slot: slot) { CaseFold.equal($0, constant) == equal } ?? false }
            }
            let a = stringGetter(lhs), b = stringGetter(rhs)
            return { ctx in
                guard let x = a(ctx), let y = b(ctx) else { return false }
                return (x == y) == equal
            }
        case .bool:
            let a = boolGetter(lhs), b = boolGetter(rhs)
            let equal = op == .equal
            return { ctx in
                guard let x = a(ctx), let y = b(ctx) else { return false }
                return (x == y) == equal
            }
        }
    }

    /// `any value of lhs is in rhs` (negated: none is), false when either side is unknown.
    func membership(_ lhs: RuleValueRef, _ rhs: RuleValueRef, _ kind: RuleScalarKind, negated: Bool) -> RulePredicate {
        if kind == .string {
            if case .field(let field) = lhs, case .literal(let literal) = rhs {
                let constants = Self.constantStrings(literal), slot = field.slot
                let isIn: @Sendable (UnsafeBufferPointer<UInt8>) -> Bool = { value in constants.contains { CaseFold.equal(value, $0) } }
                if case .list = field.type {
                    return { ctx in ctx.anyFoldedElement(field, slot: slot, isIn) != negated }
                }
                return { ctx in ctx.withFolded(field, slot: slot, isIn).map { $0 != negated } ?? false }
            }
            let left = stringValues(lhs)
            if case .literal(let literal) = rhs {
                let set = Set(Self.constantStrings(literal))
                return { ctx in
                    guard let values = left(ctx) else { return false }
                    return values.contains(where: set.contains) != negated
                }
            }
            let right = stringValues(rhs)
            return { ctx in
                guard let values = left(ctx), let pool = right(ctx) else { return false }
                return values.contains(where: pool.contains) != negated
            }
        }
        let left = Self.numberValues(lhs), right = Self.numberValues(rhs)
        return { ctx in
            guard let values = left(ctx), let pool = right(ctx) else { return false }
            return values.contains(where: pool.contains) != negated
        }
    }
}

import Foundation

/// Operand readers: a field read from the context, or a literal captured as a constant.
extension RuleCompiler {
    static func number(_ literal: RuleLiteral) -> Double? {
        switch literal {
        case .number(let v), .money(let v), .duration(let v), .date(let v): return v
        default: return nil
        }
    }

    static func numberGetter(_ ref: RuleValueRef) -> Getter<Double> {
        switch ref {
        case .literal(let literal):
            let value = number(literal)
            return { _ in value }
        case .field(let field):
            switch field {
            case .loss: return { $0.pointer.pointee.loss?.usd }
            case .returned: return { $0.pointer.pointee.returned?.usd }
            case .netLoss:
                // Read the stored fields in place: a computed property of the incident would copy it.
                return { ctx in
                    guard let loss = ctx.pointer.pointee.loss?.usd else { return nil }
                    guard let returned = ctx.pointer.pointee.returned?.usd else { return loss }
                    return loss - returned
                }
            case .exposureUSD: return { $0.pointer.pointee.exposureUSD?.usd }
            case .previousLoss: return { $0.pointer.pointee.previousLoss?.usd }
            case .date: return { $0.pointer.pointee.date?.timeIntervalSince1970 }
            case .age: return { ctx in ctx.pointer.pointee.date.map { ctx.now - $0.timeIntervalSince1970 } }
            default: return { _ in nil }
            }
        }
    }

    static func numberValues(_ ref: RuleValueRef) -> Getter<[Double]> {
        if case .literal(.list(let items)) = ref {
            let values = items.compactMap { number($0.0) }
            return { _ in values }
        }
        let single = numberGetter(ref)
        return { ctx in single(ctx).map { [$0] } }
    }

    static func constantString(_ ref: RuleValueRef) -> [UInt8]? {
        if case .literal(.string(let text)) = ref { return CaseFold.fold(text) }
        return nil
    }

    static func constantStrings(_ literal: RuleLiteral) -> [[UInt8]] {
        switch literal {
        case .string(let text): return [CaseFold.fold(text)]
        case .list(let items): return items.compactMap { if case .string(let t) = $0.0 { CaseFold.fold(t) } else { nil } }
        default: return []
        }
    }

    func stringGetter(_ ref: RuleValueRef) -> Getter<[UInt8]> {
        switch ref {
        case .literal:
            let value = Self.constantString(ref)
            return { _ in value }
        case .field(let field):
            let slot = field.slot
            return { $0.folded(field, slot: slot) }
        }
    }

    /// A scalar as a one-element list, a list as itself; folded.
    func stringValues(_ ref: RuleValueRef) -> Getter<[[UInt8]]> {
        switch ref {
        case .literal(let literal):
            let values = Self.constantStrings(literal)
            return { _ in values }
        case .field(let field):
            let slot = field.slot
            if case .list = field.type { return { $0.foldedList(field, slot: slot) } }
            return { ctx in ctx.folded(field, slot: slot).map { [$0] } }
        }
    }

    func boolGetter(_ ref: RuleValueRef) -> Getter<Bool> {
        switch ref {
        case .literal(let literal):
            let value: Bool? = if case .bool(let b) = literal { b } else { nil }
            return { _ in value }
        case .field(.update): return { $0.pointer.pointee.update }
        case .field(.exposed): return { !$0.pointer.pointee.exposure.isEmpty }  // `exposed`, read in place
        case .field: return { $0.pointer.pointee.bridge }
        }
    }
}

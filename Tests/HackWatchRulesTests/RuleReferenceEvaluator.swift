import Foundation
@testable import HackWatchModel
@testable import HackWatchRules

/// A deliberately plain evaluator of typed conditions, for differential tests of the compiled
/// fast path: every operand re-read from the incident as a `String`, folded with
/// `CaseFold.foldUnicode` (no ASCII shortcut, no arena, no cache), substrings found by a naive
/// scan, regexes run through the VM alone (no literal shortcuts), `and`/`or` in written order.
enum RuleReferenceEvaluator {
    static func evaluate(_ condition: TypedCondition, _ incident: Incident, now: Double) -> Bool {
        switch condition {
        case .constant(let value): return value
        case .boolField(let field): return bool(.field(field), incident) == true
        case .not(let inner): return !evaluate(inner, incident, now: now)
        case .and(let items): return items.allSatisfy { evaluate($0, incident, now: now) }
        case .or(let items): return items.contains { evaluate($0, incident, now: now) }
        case .macro: return false  // rules keep macros inlined in `CompiledRule.condition`
        case .compare(let op, let lhs, let rhs, let kind):
            switch kind {
            case .numeric, .duration, .time:
                guard let x = number(lhs, incident, now: now), let y = number(rhs, incident, now: now) else { return false }
                switch op {
                case .equal: return x == y
                case .notEqual: return x != y
                case .less: return x < y
                case .lessEqual: return x <= y
                case .greater: return x > y
                default: return x >= y
                }
            case .string:
                guard let x = string(lhs, incident), let y = string(rhs, incident) else { return false }
                return (x == y) == (op == .equal)
            case .bool:
                guard let x = bool(lhs, incident), let y = bool(rhs, incident) else { return false }
                return (x == y) == (op == .equal)
            }
        case .membership(let lhs, let rhs, let kind, let negated):
            return member(lhs, rhs, kind, incident, now: now, negated: negated)
        case .contains(let lhs, let rhs, let kind, let listLeft):
            if listLeft { return member(rhs, lhs, kind, incident, now: now, negated: false) }
            guard let h = string(lhs, incident), let n = string(rhs, incident) else { return false }
            return naiveContains(h, n)
        case .startsWith(let lhs, let rhs):
            guard let x = string(lhs, incident), let y = string(rhs, incident) else { return false }
            return x.count >= y.count && Array(x.prefix(y.count)) == y
        case .endsWith(let lhs, let rhs):
            guard let x = string(lhs, incident), let y = string(rhs, incident) else { return false }
            return x.count >= y.count && Array(x.suffix(y.count)) == y
        case .matches(let lhs, let program):
            let text: String?
            switch lhs {
            case .field(let field): text = raw(field, incident)
            case .literal(.string(let value)): text = value
            case .literal: text = nil
            }
            guard let text else { return false }
            let input = program.caseInsensitive ? CaseFold.foldUnicode(text) : text
            let scalars = input.unicodeScalars.map(\.value)
            var work = RegexWork()
            return scalars.withUnsafeBufferPointer { program.simulate($0, complete: true, work: &work) }
        case .exists(let field):
            switch field.type {
            case .string: return !(raw(field, incident)?.isEmpty ?? true)
            case .list: return !rawList(field, incident).isEmpty
            case .bool: return field == .update || field == .exposed || incident.bridge != nil
            default: return number(.field(field), incident, now: now) != nil
            }
        }
    }

    static func fold(_ text: String) -> [UInt8] { Array(CaseFold.foldUnicode(text).utf8) }

    static func naiveContains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        if needle.isEmpty { return true }
        guard needle.count <= haystack.count else { return false }
        for start in 0...(haystack.count - needle.count) where Array(haystack[start..<(start + needle.count)]) == needle { return true }
        return false
    }

    static func member(_ lhs: RuleValueRef, _ rhs: RuleValueRef, _ kind: RuleScalarKind, _ incident: Incident, now: Double, negated: Bool) -> Bool {
        if kind == .string {
            guard let values = strings(lhs, incident), let pool = strings(rhs, incident) else { return false }
            return values.contains { pool.contains($0) } != negated
        }
        guard let values = numbers(lhs, incident, now: now), let pool = numbers(rhs, incident, now: now) else { return false }
        return values.contains { pool.contains($0) } != negated
    }

    static func raw(_ field: RuleField, _ incident: Incident) -> String? {
        switch field {
        case .id: incident.id
        case .source: incident.source
        case .name: incident.name
        case .title: incident.title
        case .summary: incident.summary
        case .text: incident.text
        case .url: incident.url
        case .classification: incident.classification
        case .technique: incident.technique
        case .target: incident.target
        case .attribution: incident.attribution
        case .exposureOwner: incident.exposureOwner
        case .attributionSource: incident.attributionSource
        default: nil
        }
    }

    static func rawList(_ field: RuleField, _ incident: Incident) -> [String] {
        switch field {
        case .sources: incident.sources
        case .chains: incident.chains
        case .tags: incident.tags
        case .exposure: incident.exposure
        case .addresses: incident.addresses
        case .transactions: incident.transactions
        case .change: incident.changes
        default: []
        }
    }

    static func string(_ ref: RuleValueRef, _ incident: Incident) -> [UInt8]? {
        switch ref {
        case .literal(.string(let text)): fold(text)
        case .literal: nil
        case .field(let field): raw(field, incident).map(fold)
        }
    }

    static func strings(_ ref: RuleValueRef, _ incident: Incident) -> [[UInt8]]? {
        switch ref {
        case .literal(.list(let items)): return items.compactMap { if case .string(let text) = $0.0 { fold(text) } else { nil } }
        case .literal(.string(let text)): return [fold(text)]
        case .literal: return []
        case .field(let field):
            if case .list = field.type { return rawList(field, incident).map(fold) }
            return raw(field, incident).map { [fold($0)] }
        }
    }

    static func number(_ ref: RuleValueRef, _ incident: Incident, now: Double) -> Double? {
        switch ref {
        case .literal(let literal): return RuleCompiler.number(literal)
        case .field(.loss): return incident.loss?.usd
        case .field(.returned): return incident.returned?.usd
        case .field(.netLoss): return incident.netLoss?.usd
        case .field(.exposureUSD): return incident.exposureUSD?.usd
        case .field(.previousLoss): return incident.previousLoss?.usd
        case .field(.date): return incident.date?.timeIntervalSince1970
        case .field(.age): return incident.date.map { now - $0.timeIntervalSince1970 }
        case .field: return nil
        }
    }

    static func numbers(_ ref: RuleValueRef, _ incident: Incident, now: Double) -> [Double]? {
        if case .literal(.list(let items)) = ref { return items.compactMap { RuleCompiler.number($0.0) } }
        return number(ref, incident, now: now).map { [$0] }
    }

    static func bool(_ ref: RuleValueRef, _ incident: Incident) -> Bool? {
        switch ref {
        case .literal(.bool(let value)): value
        case .literal: nil
        case .field(.update): incident.update
        case .field(.exposed): incident.exposed
        case .field: incident.bridge
        }
    }
}

/// A comparison operand after name resolution: a field or a literal (lets are inlined).
enum RuleValueRef: Sendable {
    case field(RuleField)
    case literal(RuleLiteral)
}

/// A well-typed condition, ready to compile.
indirect enum TypedCondition: Sendable {
    case constant(Bool)
    case boolField(RuleField)
    case not(TypedCondition)
    case and([TypedCondition])
    case or([TypedCondition])
    /// `==`, `!=`, `<`, `<=`, `>`, `>=` between two scalars of `kind`.
    case compare(RuleBinaryOperator, RuleValueRef, RuleValueRef, RuleScalarKind)
    /// `in` / `not in`: any value of the left (a scalar, or each element of a list) in the right list.
    case membership(RuleValueRef, RuleValueRef, RuleScalarKind, negated: Bool)
    /// Substring (`listLeft` false) or element (`listLeft` true).
    case contains(RuleValueRef, RuleValueRef, RuleScalarKind, listLeft: Bool)
    case startsWith(RuleValueRef, RuleValueRef)
    case endsWith(RuleValueRef, RuleValueRef)
    case matches(RuleValueRef, RegexProgram)
    case exists(RuleField)
    case macro(Int)
}

/// Pass 3: types. Checks every macro (in dependency order) and every rule's `when`, reporting
/// type errors that name both types, and checks regular expressions and literals.
struct RuleTypeChecker {
    var resolver: RuleResolver
    var diagnostics: [Diagnostic] = []
    /// Typed bodies of the macros that checked cleanly.
    var macroBodies: [Int: TypedCondition] = [:]

    init(resolver: RuleResolver) { self.resolver = resolver }

    mutating func error(_ message: String, at span: SourceSpan) {
        diagnostics.append(resolver.sources[span.file].diagnostic(message, at: span))
    }

    mutating func checkMacros() {
        for index in resolver.macroOrder where resolver.validMacros.contains(index) {
            let (decl, file) = resolver.macros[index]
            if let body = condition(decl.body, file: file, context: "macro '\(decl.name)'") { macroBodies[index] = body }
        }
    }

    /// Checks literal values of every `let` (list homogeneity, regex syntax), once each.
    mutating func checkLets() {
        for file in resolver.files {
            for decl in file.lets { _ = literalType(decl.value, span: decl.valueSpan) }
        }
    }

    // MARK: literals

    /// The type of a literal, reporting bad lists and bad regexes (nil after an error).
    mutating func literalType(_ literal: RuleLiteral, span: SourceSpan) -> RuleValueType? {
        switch literal {
        case .bool: return .bool
        case .string: return .string
        case .number: return .number
        case .money: return .money
        case .duration: return .duration
        case .date: return .time
        case .regex:
            return compileRegex(literal, span: span) == nil ? nil : .regex
        case .list(let items):
            var kind: RuleScalarKind?
            var firstType: RuleValueType?
            for (item, itemSpan) in items {
                guard let type = literalType(item, span: itemSpan) else { return nil }
                guard type == .string || type.isNumeric else {
                    error("list elements must be strings or numbers, got \(type)", at: itemSpan)
                    return nil
                }
                if let kind, let firstType, kind != type.scalarKind {
                    error("list mixes \(firstType) and \(type) elements", at: itemSpan)
                    return nil
                }
                kind = type.scalarKind
                firstType = firstType ?? type
            }
            return .list(kind ?? .string)
        }
    }

    mutating func compileRegex(_ literal: RuleLiteral, span: SourceSpan) -> RegexProgram? {
        guard case .regex(let pattern, let flags, let patternStart) = literal else { return nil }
        do throws(RegexSyntaxError) {
            return try RegexProgram(pattern: pattern, flags: flags)
        } catch {
            let start = patternStart + error.offset
            self.error("invalid regular expression: \(error.message)",
                       at: SourceSpan(file: span.file, start: start, end: start + error.length))
            return nil
        }
    }

    // MARK: operands

    /// What a name or literal operand is: a value (with its type) or a condition.
    enum Operand {
        case value(RuleValueRef, RuleValueType)
        case condition(TypedCondition)
        case failed
    }

    mutating func operand(_ expr: RuleExpr, file: Int) -> Operand {
        switch expr {
        case .name(let name, _):
            if let field = RuleField.byName[name] { return .value(.field(field), field.type) }
            guard let symbol = resolver.visible(name, from: file) else { return .failed } // reported by the resolver
            switch symbol.kind {
            case .constant(let decl):
                guard let type = quietLiteralType(decl.value) else { return .failed }
                return .value(.literal(decl.value), type)
            case .macro(let index):
                guard macroBodies[index] != nil else { return .failed }
                return .condition(.macro(index))
            }
        case .literal(let literal, let span):
            guard let type = literalType(literal, span: span) else { return .failed }
            return .value(.literal(literal), type)
        case .invalid:
            return .failed
        default:
            guard let typed = condition(expr, file: file, context: nil) else { return .failed }
            return .condition(typed)
        }
    }

    /// A let's type without re-reporting its errors (they were reported once by `checkLets`).
    func quietLiteralType(_ literal: RuleLiteral) -> RuleValueType? {
        var copy = self
        let before = copy.diagnostics.count
        let type = copy.literalType(literal, span: SourceSpan(file: 0, start: 0, end: 0))
        return copy.diagnostics.count == before ? type : nil
    }

    // MARK: conditions

    /// Type-checks `expr` as a condition (bool); `context` names it in the error for non-bools.
    mutating func condition(_ expr: RuleExpr, file: Int, context: String?) -> TypedCondition? {
        switch expr {
        case .and(let items), .or(let items):
            let word: String
            if case .and = expr { word = "and" } else { word = "or" }
            var typed: [TypedCondition] = []
            var failed = false
            for item in items {
                if let t = condition(item, file: file, context: "'\(word)'") { typed.append(t) } else { failed = true }
            }
            if failed { return nil }
            if case .and = expr { return .and(typed) }
            return .or(typed)
        case .not(let inner, _):
            return condition(inner, file: file, context: "'not'").map(TypedCondition.not)
        case .binary(let op, let lhs, let rhs, let opSpan):
            return comparison(op, lhs, rhs, opSpan: opSpan, file: file)
        case .exists(let inner, let span):
            if case .name(let name, _) = inner, let field = RuleField.byName[name] { return .exists(field) }
            if case .invalid = inner { return nil }
            if case .name(let name, _) = inner, resolver.visible(name, from: file) == nil, RuleField.byName[name] == nil { return nil }
            error("'exists' applies to a field, not to \(describe(inner, file: file))", at: inner.span.union(span))
            return nil
        case .invalid:
            return nil
        case .name, .literal:
            switch operand(expr, file: file) {
            case .failed: return nil
            case .condition(let typed): return typed
            case .value(.field(let field), .bool): return .boolField(field)
            case .value(.literal(.bool(let value)), _): return .constant(value)
            case .value(_, let type):
                let what = context.map { "\($0) needs a condition (bool)" } ?? "expected a condition (bool)"
                error("\(what), got \(type)", at: expr.span)
                return nil
            }
        }
    }

    func describe(_ expr: RuleExpr, file: Int) -> String {
        switch expr {
        case .literal: return "a literal"
        case .name(let name, _):
            if case .macro? = resolver.visible(name, from: file)?.kind { return "macro '\(name)'" }
            return "'\(name)', which is a let constant"
        default: return "a condition"
        }
    }
}

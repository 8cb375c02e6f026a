import HackWatchModel
/// A `let` or `macro` in the shared namespace of all loaded files.
struct RuleSymbol {
    enum Kind { case constant(LetDecl), macro(index: Int) }
    var kind: Kind
    var name: String
    var file: Int
    var span: SourceSpan
}

/// Pass 2: names. Builds the namespace of every file's lets and macros, then reports duplicate
/// definitions, duplicate rule names, unknown or not-yet-visible names, recursive macros and
/// over-deep macro expansion. Produces the order in which macros can be type-checked.
struct RuleResolver {
    /// Deepest expression nesting allowed once macros are expanded (bounds evaluation depth).
    static let maxExpandedDepth = 1000

    let sources: [RuleSource]
    let files: [RuleFileAST]
    var diagnostics: [Diagnostic] = []
    var symbols: [String: RuleSymbol] = [:]
    /// Every macro of every file, in load order; `RuleSymbol.Kind.macro(index:)` points here.
    var macros: [(decl: MacroDecl, file: Int)] = []
    /// Macros that are usable (not recursive, not duplicated, not too deep).
    var validMacros: Set<Int> = []
    /// Macros in dependency order (each after every macro it uses).
    var macroOrder: [Int] = []

    init(sources: [RuleSource], files: [RuleFileAST]) {
        self.sources = sources
        self.files = files
    }

    mutating func error(_ message: String, at span: SourceSpan) {
        diagnostics.append(sources[span.file].diagnostic(message, at: span))
    }

    func place(_ span: SourceSpan) -> String {
        let (line, column) = sources[span.file].location(of: span.start)
        return "\(sources[span.file].path):\(line):\(column)"
    }

    mutating func run() {
        defineSymbols()
        sortedSymbols = symbols.values.map { ($0.name, $0.file) }.sorted { $0.name < $1.name }
        checkRuleNames()
        for macro in macros { checkNames(in: macro.decl.body, file: macro.file) }
        for (fileIndex, file) in files.enumerated() {
            for rule in file.rules { if let when = rule.when { checkNames(in: when, file: fileIndex) } }
        }
        orderMacros()
    }

    mutating func defineSymbols() {
        var duplicateMacros: Set<Int> = []
        for (fileIndex, file) in files.enumerated() {
            var entries: [(String, SourceSpan, RuleSymbol.Kind, Int?)] = []
            for decl in file.lets { entries.append((decl.name, decl.nameSpan, .constant(decl), nil)) }
            for decl in file.macros {
                macros.append((decl, fileIndex))
                entries.append((decl.name, decl.nameSpan, .macro(index: macros.count - 1), macros.count - 1))
            }
            entries.sort { $0.1.start < $1.1.start }
            for (name, span, kind, macroIndex) in entries {
                if RuleField.byName[name] != nil {
                    error("'\(name)' is a field name and cannot be redefined", at: span)
                    if let macroIndex { duplicateMacros.insert(macroIndex) }
                    continue
                }
                if let existing = symbols[name] {
                    error("'\(name)' is already defined at \(place(existing.span))", at: span)
                    if let macroIndex { duplicateMacros.insert(macroIndex) }
                    continue
                }
                symbols[name] = RuleSymbol(kind: kind, name: name, file: fileIndex, span: span)
            }
        }
        validMacros = Set(macros.indices).subtracting(duplicateMacros)
    }

    mutating func checkRuleNames() {
        var seen: [String: SourceSpan] = [:]
        for file in files {
            for rule in file.rules {
                if let first = seen[rule.name] {
                    error("duplicate rule name '\(rule.name)' (first defined at \(place(first)))", at: rule.nameSpan)
                } else {
                    seen[rule.name] = rule.nameSpan
                }
            }
        }
    }

    /// The symbol `name` may use from `file`: defined in that file or an earlier one.
    func visible(_ name: String, from file: Int) -> RuleSymbol? {
        guard let symbol = symbols[name], symbol.file <= file else { return nil }
        return symbol
    }

    /// Every `.name` in an expression, without recursion (the tree is bounded, but this also
    /// runs over macro bodies whose depth we have not yet measured).
    static func names(in expr: RuleExpr) -> [(String, SourceSpan)] {
        var out: [(String, SourceSpan)] = []
        var stack = [expr]
        while let node = stack.popLast() {
            switch node {
            case .name(let name, let span): out.append((name, span))
            case .literal, .invalid: break
            case .not(let inner, _), .exists(let inner, _): stack.append(inner)
            case .and(let items), .or(let items): stack.append(contentsOf: items.reversed())
            case .binary(_, let lhs, let rhs, _): stack.append(rhs); stack.append(lhs)
            }
        }
        return out
    }

    /// Edit-distance computations left for "did you mean" suggestions.
    var suggestionBudget = 200_000
    /// Every defined name with its file, sorted (computed once names are defined).
    var sortedSymbols: [(name: String, file: Int)] = []

    mutating func checkNames(in expr: RuleExpr, file: Int) {
        for (name, span) in Self.names(in: expr) {
            if RuleField.byName[name] != nil { continue }
            if let symbol = symbols[name] {
                if symbol.file > file {
                    error("'\(name)' is used before it is defined (at \(place(symbol.span)), in a file loaded later)", at: span)
                }
                continue
            }
            // Suggestions cost an edit distance per candidate: bounded so a hostile file with
            // thousands of unknown names and definitions still loads quickly.
            var near: String?
            if suggestionBudget > 0 {
                let candidates = sortedSymbols.filter { $0.file <= file }.map(\.name) + RuleField.allCases.map(\.rawValue)
                suggestionBudget -= candidates.count
                near = Suggest.nearest(name, in: candidates)
            }
            var message: String
            switch near.flatMap({ symbols[$0]?.kind }) {
            case .macro?: message = "unknown macro '\(name)'"
            case .constant?: message = "unknown name '\(name)'"
            case nil: message = "unknown field '\(name)'"
            }
            if let near { message += "; did you mean '\(near)'?" }
            error(message, at: span)
        }
    }

    /// Macros each macro uses (visible ones only).
    func dependencies(of index: Int) -> [Int] {
        let (decl, file) = macros[index]
        var out: [Int] = []
        for (name, _) in Self.names(in: decl.body) {
            if RuleField.byName[name] == nil, let symbol = visible(name, from: file), case .macro(let target) = symbol.kind,
               !out.contains(target) {
                out.append(target)
            }
        }
        return out
    }

    /// Iterative depth-first search: reports each cycle once, yields a dependency order, and
    /// bounds the expanded depth of every macro.
    mutating func orderMacros() {
        let count = macros.count
        let deps = (0..<count).map(dependencies(of:))
        var state = [UInt8](repeating: 0, count: count) // 0 new, 1 on stack, 2 done
        var broken = Set<Int>()
        var depth = [Int](repeating: 0, count: count)
        for root in 0..<count where state[root] == 0 {
            var stack: [(node: Int, next: Int)] = [(root, 0)]
            state[root] = 1
            while let top = stack.last {
                if top.next < deps[top.node].count {
                    stack[stack.count - 1].next += 1
                    let target = deps[top.node][top.next]
                    if state[target] == 0 {
                        state[target] = 1
                        stack.append((target, 0))
                    } else if state[target] == 1 {
                        let path = stack.map(\.node)
                        let cycle = Array(path[path.firstIndex(of: target)!...])
                        let names = (cycle + [target]).map { macros[$0].decl.name }.joined(separator: " -> ")
                        let decl = macros[target].decl
                        error("macro '\(decl.name)' is recursive: \(names)", at: decl.nameSpan)
                        broken.formUnion(cycle)
                    }
                } else {
                    stack.removeLast()
                    state[top.node] = 2
                    let node = top.node
                    if deps[node].contains(where: broken.contains) { broken.insert(node) }
                    let own = Self.depth(of: macros[node].decl.body)
                    depth[node] = own + (deps[node].map { depth[$0] }.max() ?? 0)
                    if !broken.contains(node), depth[node] > Self.maxExpandedDepth {
                        let decl = macros[node].decl
                        error("macro '\(decl.name)' nests too deeply once expanded (over \(Self.maxExpandedDepth) levels)", at: decl.nameSpan)
                        broken.insert(node)
                    }
                    macroOrder.append(node)
                }
            }
        }
        validMacros.subtract(broken)
    }

    /// Nesting depth of an expression tree (iterative).
    static func depth(of expr: RuleExpr) -> Int {
        var best = 0
        var stack: [(RuleExpr, Int)] = [(expr, 1)]
        while let (node, level) = stack.popLast() {
            best = max(best, level)
            switch node {
            case .not(let inner, _), .exists(let inner, _): stack.append((inner, level + 1))
            case .and(let items), .or(let items): for item in items { stack.append((item, level + 1)) }
            case .binary(_, let lhs, let rhs, _): stack.append((lhs, level + 1)); stack.append((rhs, level + 1))
            default: break
            }
        }
        return best
    }
}

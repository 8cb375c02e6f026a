import HackWatchModel

/// The loader's passes for aggregate declarations: names (unique, `over`/`share` names
/// resolved), types and settings, then compilation into `CompiledAggregate`.
struct AggregateLoading {
    struct Checked {
        var decl: AggregateDecl
        var file: Int
        var over: TypedCondition?
        var condition: AggregateCondition?
        var shares: [TypedCondition]
        var window: AggregateWindow?
    }

    var checked: [Checked] = []

    /// Passes 2 and 3: every problem goes to `diagnostics` (names) or the checker (types).
    mutating func check(_ asts: [RuleFileAST], files: [RuleSource], resolver: inout RuleResolver, checker: inout RuleTypeChecker,
                        sinkNames: [String]?, validateTemplate: ((String) -> String?)?, into diagnostics: inout [Diagnostic]) {
        var names: [String: (Int, SourceSpan)] = [:]
        for (fileIndex, ast) in asts.enumerated() {
            for decl in ast.aggregates {
                if let (file, span) = names[decl.name] {
                    let (line, column) = files[file].location(of: span.start)
                    diagnostics.append(files[fileIndex].diagnostic(
                        "aggregate '\(decl.name)' is already defined at \(files[file].path):\(line):\(column)", at: decl.nameSpan))
                } else {
                    names[decl.name] = (fileIndex, decl.nameSpan)
                }
                let before = resolver.diagnostics.count
                if let over = decl.over { resolver.checkNames(in: over, file: fileIndex) }
                let shareExprs = decl.when.map(RuleTypeChecker.shareExpressions) ?? []
                for expr in shareExprs { resolver.checkNames(in: expr, file: fileIndex) }
                let namesFailed = resolver.diagnostics.count > before
                var entry = Checked(decl: decl, file: fileIndex, shares: [])
                if let over = decl.over, !namesFailed { entry.over = checker.condition(over, file: fileIndex, context: "'over'") }
                if let when = decl.when, !namesFailed { entry.condition = checker.aggregateCondition(when, file: fileIndex, shares: &entry.shares) }
                if let (window, span) = decl.window {
                    switch window {
                    case .calendar(let name): entry.window = ["ytd": .ytd, "qtd": .qtd, "mtd": .mtd][name]
                    case .duration(let seconds):
                        if seconds >= 86_400, seconds.truncatingRemainder(dividingBy: 86_400) == 0, seconds <= 3660 * 86_400 {
                            entry.window = .days(Int(seconds / 86_400))
                        } else {
                            diagnostics.append(files[fileIndex].diagnostic(
                                "an aggregate window is whole days (7d, 2w, 30d) or ytd, qtd, mtd (calendar UTC)", at: span))
                        }
                    }
                }
                if let (field, span) = decl.groupBy {
                    if let known = RuleField.byName[field] {
                        if !RuleTypeChecker.groupableFields.contains(known) {
                            diagnostics.append(files[fileIndex].diagnostic(
                                "cannot group by '\(field)' (\(known.type)); group by a string or list field such as chains, target or technique", at: span))
                        }
                    } else {
                        var message = "unknown field '\(field)'"
                        if let near = Suggest.nearest(field, in: RuleTypeChecker.groupableFields.map(\.rawValue)) { message += "; did you mean '\(near)'?" }
                        diagnostics.append(files[fileIndex].diagnostic(message, at: span))
                    }
                }
                if let (seconds, span) = decl.cooldown, seconds < 0 {
                    diagnostics.append(files[fileIndex].diagnostic("a cooldown cannot be negative", at: span))
                }
                var settings = RuleDecl(name: decl.name, nameSpan: decl.nameSpan)
                settings.severity = decl.severity
                settings.notify = decl.notify
                settings.message = decl.message
                RuleLoader.checkSettings(settings, source: files[fileIndex], sinkNames: sinkNames,
                                         validateTemplate: validateTemplate, into: &diagnostics)
                checked.append(entry)
            }
        }
    }

    /// Pass 4 (only when the whole load is free of errors).
    func compile(_ compiler: RuleCompiler, files: [RuleSource]) -> [CompiledAggregate] {
        checked.compactMap { entry in
            guard let condition = entry.condition, let window = entry.window else { return nil }
            let decl = entry.decl
            let (line, column) = files[entry.file].location(of: decl.nameSpan.start)
            let location = "\(files[entry.file].path):\(line):\(column)"
            func rule(_ typed: TypedCondition, _ suffix: String) -> CompiledRule {
                CompiledRule(name: decl.name + suffix, severity: .info, notify: nil, message: nil, enabled: true,
                             location: location, predicate: compiler.compile(typed))
            }
            return CompiledAggregate(
                name: decl.name, severity: decl.severity.flatMap { Severity(rawValue: $0.0) } ?? .medium,
                notify: decl.notify?.map(\.0), message: decl.message?.0, enabled: decl.enabled, location: location,
                window: window, cooldown: decl.cooldown?.0 ?? window.length, groupBy: decl.groupBy?.0,
                fingerprint: decl.text, shifts: Self.shifts(condition),
                over: entry.over.map { rule($0, ".over") }, groupField: decl.groupBy.flatMap { RuleField.byName[$0.0] },
                condition: condition, shares: entry.shares.enumerated().map { rule($1, ".share\($0)") })
        }
    }

    static func shifts(_ condition: AggregateCondition) -> [AggregateShift] {
        func figureShifts(_ figure: AggregateFigure) -> [AggregateShift] {
            if case .change(let inner, let shift) = figure { return [shift] + figureShifts(inner) }
            return []
        }
        var out: [AggregateShift] = []
        switch condition {
        case .constant: break
        case .not(let inner): out = shifts(inner)
        case .and(let items), .or(let items): out = items.flatMap(shifts)
        case .compare(_, let a, let b): out = figureShifts(a) + figureShifts(b)
        }
        var seen = Set<AggregateShift>()
        return out.filter { seen.insert($0).inserted }
    }
}

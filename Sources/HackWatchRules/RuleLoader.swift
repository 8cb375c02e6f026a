import Foundation
import HackWatchModel

/// Loads rules files in passes, as Falco's loader does: lex and parse every file, resolve
/// `let`/`macro` names across files, type-check, then compile. Each pass collects diagnostics
/// and carries on, so one load reports every problem in every file.
public enum RuleLoader {
    /// Largest rules file read (bytes).
    package static let maxFileBytes = 8 << 20

    /// paths: files or folders (*.rules, lexicographic). sinkNames: config sink names for notify
    /// checking (nil = don't check). validateTemplate: returns an error message for a bad
    /// Mustache `message` (daemon passes MessageTemplate.validate).
    public static func load(paths: [String], sinkNames: [String]?, validateTemplate: ((String) -> String?)? = nil) -> RuleLoadResult {
        var sources: [(path: String, bytes: [UInt8])] = []
        var problems: [Diagnostic] = []
        var seen = Set<String>()
        func add(_ path: String) {
            guard seen.insert(path).inserted else { return }
            guard let handle = FileHandle(forReadingAtPath: path) else {
                problems.append(Diagnostic(file: path, line: 1, column: 1, message: "cannot read rules file: \(String(cString: strerror(errno)))"))
                return
            }
            defer { try? handle.close() }
            let data = (try? handle.read(upToCount: maxFileBytes + 1)) ?? Data()
            if data.count > maxFileBytes {
                problems.append(Diagnostic(file: path, line: 1, column: 1, message: "rules file is larger than \(maxFileBytes >> 20) MiB"))
                return
            }
            sources.append((path, [UInt8](data)))
        }
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                problems.append(Diagnostic(file: path, line: 1, column: 1, message: "no such rules file or folder"))
                continue
            }
            if isDirectory.boolValue {
                let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
                    .filter { $0.hasSuffix(".rules") && !$0.hasPrefix(".") }.sorted()
                if names.isEmpty {
                    problems.append(Diagnostic(file: path, line: 1, column: 1, severity: .warning, message: "no *.rules files in this folder"))
                }
                for name in names { add((path as NSString).appendingPathComponent(name)) }
            } else {
                add(path)
            }
        }
        var result = load(sources: sources, sinkNames: sinkNames, validateTemplate: validateTemplate)
        if !problems.isEmpty {
            result.diagnostics = (result.diagnostics + problems).sorted(by: Diagnostic.sortedOrder)
            if problems.contains(where: { $0.severity == .error }) { result.ruleSet = nil }
        }
        return result
    }

    /// Loads from in-memory sources, in the given order (later files see earlier files' names).
    public static func load(sources: [(path: String, bytes: [UInt8])], sinkNames: [String]?, validateTemplate: ((String) -> String?)? = nil) -> RuleLoadResult {
        var diagnostics: [Diagnostic] = []
        // Pass 1: lex and parse.
        var files: [RuleSource] = []
        var asts: [RuleFileAST] = []
        for (index, input) in sources.enumerated() {
            let source = RuleSource(path: input.path, bytes: input.bytes)
            for (count, bad) in source.invalidBytes.enumerated() {
                if count == 20 {
                    diagnostics.append(source.diagnostic("too many invalid UTF-8 bytes; not reporting more",
                                                         at: SourceSpan(file: index, start: bad.offset, end: bad.offset + 1)))
                    break
                }
                let hex = String(bad.byte, radix: 16, uppercase: true).leftPadded(2)
                diagnostics.append(source.diagnostic("invalid UTF-8 (byte 0x\(hex))", at: SourceSpan(file: index, start: bad.offset, end: bad.offset + 1)))
            }
            let (tokens, lexDiagnostics) = RuleLexer.tokenize(source, fileIndex: index)
            let (ast, parseDiagnostics) = RuleParser.parse(source, tokens: tokens)
            diagnostics += lexDiagnostics + parseDiagnostics
            files.append(source)
            asts.append(ast)
        }
        // Pass 2: names.
        var resolver = RuleResolver(sources: files, files: asts)
        resolver.run()
        diagnostics += resolver.diagnostics
        let resolvedCount = resolver.diagnostics.count
        // Pass 3: types, and the rules' own settings.
        var checker = RuleTypeChecker(resolver: resolver)
        checker.checkLets()
        checker.checkMacros()
        var conditions: [TypedCondition?] = []
        var decls: [(RuleDecl, Int)] = []
        for (fileIndex, ast) in asts.enumerated() {
            for rule in ast.rules {
                decls.append((rule, fileIndex))
                conditions.append(rule.when.flatMap { checker.condition($0, file: fileIndex, context: "'when'") })
                checkSettings(rule, source: files[fileIndex], sinkNames: sinkNames, validateTemplate: validateTemplate, into: &diagnostics)
            }
        }
        var aggregates = AggregateLoading()
        aggregates.check(asts, files: files, resolver: &resolver, checker: &checker, sinkNames: sinkNames,
                         validateTemplate: validateTemplate, into: &diagnostics)
        diagnostics += resolver.diagnostics.dropFirst(resolvedCount)
        diagnostics += checker.diagnostics
        diagnostics = capped(diagnostics.sorted(by: Diagnostic.sortedOrder))
        guard !diagnostics.contains(where: { $0.severity == .error }) else {
            return RuleLoadResult(ruleSet: nil, diagnostics: diagnostics)
        }
        // Pass 4: compile, macros first so rules share their closures.
        var compiler = RuleCompiler()
        compiler.macroBodies = checker.macroBodies
        for index in resolver.macroOrder {
            if let body = checker.macroBodies[index] { compiler.macros[index] = StoredPredicate(call: compiler.compile(body)) }
        }
        var rules: [CompiledRule] = []
        for ((decl, fileIndex), condition) in zip(decls, conditions) {
            guard let condition else { continue }
            let (line, column) = files[fileIndex].location(of: decl.nameSpan.start)
            rules.append(CompiledRule(
                name: decl.name, severity: decl.severity.flatMap { Severity(rawValue: $0.0) } ?? .medium,
                notify: decl.notify?.map(\.0), message: decl.message?.0, enabled: decl.enabled,
                location: "\(files[fileIndex].path):\(line):\(column)", predicate: compiler.compile(condition),
                condition: compiler.inlined(condition)))
        }
        var ruleSet = RuleSet(rules: rules)
        ruleSet.aggregates = aggregates.compile(compiler, files: files)
        return RuleLoadResult(ruleSet: ruleSet, diagnostics: diagnostics)
    }

    /// Most errors reported per file, as compilers cap them (a binary file would give thousands).
    package static let maxErrorsPerFile = 100

    /// Keeps the first `maxErrorsPerFile` errors of each file, then one line saying how many more.
    static func capped(_ sorted: [Diagnostic]) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var index = 0
        while index < sorted.count {
            let file = sorted[index].file
            var end = index
            while end < sorted.count, sorted[end].file == file { end += 1 }
            let group = sorted[index..<end]
            let errors = group.filter { $0.severity == .error }
            if errors.count > maxErrorsPerFile {
                let kept = Array(errors.prefix(maxErrorsPerFile))
                out += kept
                let last = kept[kept.count - 1]
                out.append(Diagnostic(file: file, line: last.line, column: last.column,
                                      message: "too many errors; \(errors.count - maxErrorsPerFile) more in this file not shown"))
            } else {
                out += group
            }
            index = end
        }
        return out
    }

    static func checkSettings(_ rule: RuleDecl, source: RuleSource, sinkNames: [String]?,
                              validateTemplate: ((String) -> String?)?, into diagnostics: inout [Diagnostic]) {
        if let (value, span) = rule.severity, Severity(rawValue: value) == nil {
            let names = Severity.allCases.map(\.rawValue)
            var message = "unknown severity '\(value)'"
            if let near = Suggest.nearest(value, in: names) { message += "; did you mean '\(near)'?" } else {
                message += "; use info, low, medium, high or critical"
            }
            diagnostics.append(source.diagnostic(message, at: span))
        }
        if let sinks = rule.notify, let sinkNames {
            for (sink, span) in sinks where !sinkNames.contains(sink) {
                var message = "unknown sink '\(sink)'"
                if let near = Suggest.nearest(sink, in: sinkNames) {
                    message += "; did you mean '\(near)'?"
                } else if sinkNames.isEmpty {
                    message += "; the config defines no sinks"
                } else {
                    message += "; the config defines \(sinkNames.map { "'\($0)'" }.joined(separator: ", "))"
                }
                diagnostics.append(source.diagnostic(message, at: span))
            }
        }
        if let (template, span) = rule.message, let validateTemplate, let problem = validateTemplate(template) {
            diagnostics.append(source.diagnostic("invalid message template: \(problem)", at: span))
        }
    }
}

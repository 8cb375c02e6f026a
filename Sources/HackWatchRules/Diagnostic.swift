import HackWatchModel
/// One problem found while loading rules, located in its file (RULES.md §5).
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How bad a problem is.
    public enum Severity: String, Sendable, Hashable {
        /// The rules cannot be used.
        case error
        /// Worth fixing; the rules still load.
        case warning
    }

    /// The rules file, as given to the loader.
    public var file: String
    /// 1-based line.
    public var line: Int
    /// 1-based column, counted in Unicode scalars.
    public var column: Int
    /// How many scalars the caret and tildes cover (at least 1).
    public var length: Int
    /// Error or warning.
    public var severity: Severity
    /// The message, without location (e.g. `unknown field 'los'; did you mean 'loss'?`).
    public var message: String
    /// The text of `line`, for rendering (nil when the position is past the end of the file).
    public var sourceLine: String?

    /// Creates a diagnostic.
    public init(file: String, line: Int, column: Int, length: Int = 1, severity: Severity = .error,
                message: String, sourceLine: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.length = max(1, length)
        self.severity = severity
        self.message = message
        self.sourceLine = sourceLine
    }

    /// `path:line:col: error: message`, without the source excerpt.
    public var description: String { "\(file):\(line):\(column): \(severity.rawValue): \(message)" }

    /// The compiler form: the header, the source line, and a caret with tildes under the span.
    public func rendered(sourceLine line: String?) -> String {
        guard let line else { return description }
        let scalars = Array(line.unicodeScalars)
        // Keep tabs in the marker line so the caret lines up under tab-indented source.
        var marker = ""
        for index in 0..<max(0, column - 1) {
            marker.unicodeScalars.append(index < scalars.count && scalars[index] == "\t" ? "\t" : " ")
        }
        let room = max(1, scalars.count - (column - 1))
        marker += "^" + String(repeating: "~", count: max(0, min(length, room) - 1))
        return description + "\n" + line + "\n" + marker
    }

    /// The compiler form using the stored source line.
    public var rendered: String { rendered(sourceLine: sourceLine) }

    /// Orders by file, then line, then column (then message, for a stable order).
    static func sortedOrder(_ a: Diagnostic, _ b: Diagnostic) -> Bool {
        if a.file != b.file { return a.file < b.file }
        if a.line != b.line { return a.line < b.line }
        if a.column != b.column { return a.column < b.column }
        return a.message < b.message
    }
}

/// The Prometheus text format's value spellings, shared by `/metrics` and the textfile.
package enum PrometheusText {
    /// Label values escape backslash, quote and newline.
    package static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Whole numbers without a fraction (`5`, not `5.0`), others as Swift prints them.
    package static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 9e15 ? String(Int64(value)) : String(value)
    }
}

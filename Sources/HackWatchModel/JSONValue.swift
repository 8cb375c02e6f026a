/// A JSON value, for config settings and mapped feeds whose shape is only known at run time.
package enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The string, if this is one.
    package var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    /// The number, if this is one.
    package var numberValue: Double? { if case .number(let n) = self { n } else { nil } }
    /// The bool, if this is one.
    package var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    /// The elements, if this is an array.
    package var arrayValue: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    /// The members, if this is an object.
    package var objectValue: [String: JSONValue]? { if case .object(let o) = self { o } else { nil } }

    /// The JSON type's name, for error messages ("string", "number", …).
    package var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

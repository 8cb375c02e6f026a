import Foundation

/// Checks real responses against docs/openapi.json: the path and method exist, the status is
/// documented, and a JSON body has every required key with the documented type, recursively.
struct OpenAPIChecker {
    let document: [String: Any]

    init() throws {
        let url = Binary.repoRoot.appendingPathComponent("docs/openapi.json")
        document = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
    }

    /// Every problem with one response; empty when it conforms.
    func problems(method: String, template: String, status: Int, body: String) -> [String] {
        guard let paths = document["paths"] as? [String: Any], let item = paths[template] as? [String: Any] else {
            return ["\(template): not in the document"]
        }
        guard let operation = item[method.lowercased()] as? [String: Any] else { return ["\(method) \(template): not documented"] }
        guard let responses = operation["responses"] as? [String: Any], let response = responses[String(status)] as? [String: Any] else {
            return ["\(method) \(template): status \(status) not documented"]
        }
        guard let content = response["content"] as? [String: Any], let json = content["application/json"] as? [String: Any],
              let schema = json["schema"] as? [String: Any] else { return [] }
        guard let value = try? JSONSerialization.jsonObject(with: Data(body.utf8), options: [.fragmentsAllowed]) else {
            return ["\(method) \(template) \(status): body is not JSON"]
        }
        return check(value, schema, at: "\(method) \(template) \(status) $")
    }

    private func resolve(_ schema: [String: Any]) -> [String: Any] {
        guard let ref = schema["$ref"] as? String, ref.hasPrefix("#/components/schemas/"),
              let components = document["components"] as? [String: Any], let schemas = components["schemas"] as? [String: Any],
              let target = schemas[String(ref.dropFirst("#/components/schemas/".count))] as? [String: Any] else { return schema }
        return target
    }

    private func check(_ value: Any, _ raw: [String: Any], at path: String) -> [String] {
        let schema = resolve(raw)
        let types = (schema["type"] as? String).map { [$0] } ?? (schema["type"] as? [String]) ?? []
        if !types.isEmpty && !types.contains(where: { matches(value, $0) }) {
            return ["\(path): expected \(types.joined(separator: "|")), got \(value)"]
        }
        if let allowed = schema["enum"] as? [String], let text = value as? String, !allowed.contains(text) {
            return ["\(path): '\(text)' not in \(allowed)"]
        }
        var problems: [String] = []
        if let object = value as? [String: Any] {
            for key in schema["required"] as? [String] ?? [] where object[key] == nil {
                problems.append("\(path).\(key): required key missing")
            }
            for (key, sub) in schema["properties"] as? [String: Any] ?? [:] {
                if let member = object[key], let sub = sub as? [String: Any] { problems += check(member, sub, at: "\(path).\(key)") }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (index, element) in array.enumerated() { problems += check(element, items, at: "\(path)[\(index)]") }
        }
        return problems
    }

    private func matches(_ value: Any, _ type: String) -> Bool {
        switch type {
        case "null": return value is NSNull
        case "object": return value is [String: Any]
        case "array": return value is [Any]
        case "string": return value is String
        case "boolean": return value is Bool
        case "integer": return (value as? NSNumber).map { $0.doubleValue == $0.doubleValue.rounded() } ?? false
        case "number": return value is NSNumber
        default: return true
        }
    }
}

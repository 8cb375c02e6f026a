/// One element of a feed's top-level array, as `JSONValue.forEachRecord` hands it over.
package enum JSONRecord {
    /// An object: `slots[k]` is the value of the k-th requested key (nil when absent; the last
    /// one when a key repeats). Other members were read (and checked) but not kept.
    case object(slots: [JSONValue?])
    /// Any other value (the format decides whether that is an error).
    case value(JSONValue)
}

/// One element of a feed's top-level array, as `JSONValue.forEachRecordFields` hands it over.
package enum JSONFieldRecord {
    /// An object: its requested members, located in the bytes (valid only inside the callback).
    case object(JSONFields)
    /// Any other value (the format decides whether that is an error).
    case value(JSONValue)
}

extension JSONValue {
    /// Streams the elements of a top-level array to `body`, one at a time, keeping of each
    /// object only the members named in `keys`: no dictionary, no key strings, and no tree of
    /// the whole document (a 283k-record feed's records are built and dropped one by one).
    ///
    /// Same grammar, limits and recovery as `parseRecords`: an element bad on its own (a number
    /// out of range, nesting past the limit) is not passed on but listed in `skipped`; a grammar
    /// error refuses the document. When the document is not an array, nothing is streamed and
    /// its value is returned (nil means the records went to `body`).
    package static func forEachRecord(_ bytes: [UInt8], options: JSONParseOptions, keys: [String],
                                      skipped: inout [SkippedJSONElement],
                                      _ body: (_ index: Int, _ record: JSONRecord) -> Void) throws(JSONParseError) -> JSONValue? {
        try forEachRecordFields(bytes, options: options, keys: keys, skipped: &skipped) { index, record in
            switch record {
            case .object(let fields): body(index, .object(slots: (0..<keys.count).map { fields.value(fields[$0]) }))
            case .value(let value): body(index, .value(value))
            }
        }
    }

    /// `forEachRecord` without building values: each object's requested members are handed over
    /// located in the bytes (`JSONFields`), numbers and booleans read, strings decoded only when
    /// the caller asks (`JSONFields.string`, or its bytes with `withContent`). Everything else
    /// in the record is checked as `parseRecords` checks it, with the same errors, limits and
    /// recovery, but never built. The fields are valid only inside `body`.
    package static func forEachRecordFields(_ bytes: [UInt8], options: JSONParseOptions, keys: [String],
                                            skipped: inout [SkippedJSONElement],
                                            _ body: (_ index: Int, _ record: JSONFieldRecord) -> Void) throws(JSONParseError) -> JSONValue? {
        let matcher = JSONKeyMatcher(keys)
        let result: Result<(JSONValue?, [SkippedJSONElement]), JSONParseError> = bytes.withUnsafeBufferPointer { buffer in
            var slots = [JSONField](repeating: JSONField(), count: keys.count)
            return slots.withUnsafeMutableBufferPointer { slots in
                var reader = JSONByteReader(bytes: buffer, options: options)
                reader.recoversRecords = true
                do throws(JSONParseError) {
                    let other = try reader.records(matcher, slots: slots, body)
                    return .success((other, reader.skipped))
                } catch {
                    return .failure(error)
                }
            }
        }
        let (other, list) = try result.get()
        skipped += list
        return other
    }
}

/// The requested members of one streamed object. Valid only inside the callback it was given
/// to: it points into the document's bytes.
package struct JSONFields {
    let bytes: UnsafeBufferPointer<UInt8>
    let options: JSONParseOptions
    let slots: UnsafeMutableBufferPointer<JSONField>

    /// A reader over the document (decoding and re-reading need one; making it allocates nothing).
    private var reader: JSONByteReader { JSONByteReader(bytes: bytes, options: options) }

    /// The k-th requested member (`kind == .absent` when the object has none).
    package subscript(slot: Int) -> JSONField { slots[slot] }

    /// The text of a string field (escapes decoded; invalid UTF-8 per the parse options).
    package func string(_ field: JSONField) -> String {
        let content = field.start..<field.end
        if field.escaped { return String(decoding: reader.unescaped(content), as: UTF8.self) }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[content]), as: UTF8.self)
    }

    /// `body` on a string field's raw bytes when it holds no escape (they are then its UTF-8,
    /// up to invalid sequences); nil for an escaped string, which needs `string(_:)`.
    package func withContent<R>(_ field: JSONField, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        guard field.kind == .string, !field.escaped else { return nil }
        return body(UnsafeBufferPointer(rebasing: bytes[field.start..<field.end]))
    }

    /// The elements of an array field, in order, until `body` returns false.
    package func forEachElement(of field: JSONField, _ body: (JSONField) -> Bool) {
        guard field.kind == .array else { return }
        var element = reader
        element.index = field.start + 1
        element.skipWhitespace()
        if element.bytes[element.index] == UInt8(ascii: "]") { return }
        // The array was checked when the record was read: these reads cannot fail.
        while let value = try? element.field(depth: 0), body(value), (try? element.endOfElement(closing: UInt8(ascii: "]"))) == true {}
    }

    /// The field as a `JSONValue` (nil when absent), built as `value(depth:)` builds it.
    package func value(_ field: JSONField) -> JSONValue? {
        switch field.kind {
        case .absent: return nil
        case .null: return .null
        case .bool: return .bool(field.bool)
        case .number: return .number(field.number)
        case .string: return .string(string(field))
        case .array, .object:
            var builder = reader
            builder.index = field.start
            // Checked already, at the depth of a record's members (2): this read cannot fail.
            return (try? builder.value(depth: 2)) ?? .null
        }
    }
}

/// Finds a member name among the requested keys by its bytes. Records in a feed are alike, so
/// the key found at each member position last time is tried first.
struct JSONKeyMatcher {
    let keys: [[UInt8]]
    /// `hints[p]`: the slot of the member at position `p` in the previous object.
    var hints: [Int] = []

    init(_ keys: [String]) {
        self.keys = keys.map { Array($0.utf8) }
    }

    mutating func slot(of name: UnsafeBufferPointer<UInt8>, position: Int) -> Int? {
        if position < hints.count, hints[position] >= 0, Self.equal(keys[hints[position]], name) { return hints[position] }
        var found: Int?
        for slot in keys.indices where Self.equal(keys[slot], name) {
            found = slot
            break
        }
        while hints.count <= position { hints.append(-1) }
        hints[position] = found ?? -1
        return found
    }

    private static func equal(_ key: [UInt8], _ name: UnsafeBufferPointer<UInt8>) -> Bool {
        guard key.count == name.count else { return false }
        return key.withUnsafeBufferPointer { key in
            for offset in 0..<key.count where key[offset] != name[offset] { return false }
            return true
        }
    }
}

extension JSONByteReader {
    /// `forEachRecordFields`' loop: the document as `document()` reads it, streaming a
    /// top-level array's elements.
    mutating func records(_ matcher: JSONKeyMatcher, slots: UnsafeMutableBufferPointer<JSONField>,
                          _ body: (Int, JSONFieldRecord) -> Void) throws(JSONParseError) -> JSONValue? {
        if options.allowsByteOrderMark, bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            index = 3
        }
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "[") else {
            index = 0
            return try document()
        }
        // The array is at depth 1 and its elements' objects at 2, as `value(depth: 0)` counts.
        guard 1 <= options.depthLimit else { throw .tooDeep(limit: options.depthLimit, offset: index) }
        index += 1
        openArrays = 1  // arrays inside a record do not recover elements of their own
        defer { openArrays = 0 }
        var matcher = matcher
        var count = 0
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
        } else {
            while true {
                skipWhitespace()
                let start = index
                do throws(JSONParseError) {
                    guard index < bytes.count else { throw .unexpectedEnd }
                    if bytes[index] == UInt8(ascii: "{") {
                        for slot in slots.indices { slots[slot].kind = .absent }
                        try slottedObject(depth: 2, matcher: &matcher, slots: slots)
                        body(count, .object(JSONFields(bytes: bytes, options: options, slots: slots)))
                    } else {
                        body(count, .value(try value(depth: 1)))
                    }
                } catch {
                    switch error {
                    case .numberOutOfRange, .tooDeep:
                        // Resume after this element; if it cannot be delimited the document is broken.
                        index = start
                        guard skipValue() else { throw error }
                        skipped.append(SkippedJSONElement(index: count, reason: error.description))
                    default: throw error
                    }
                }
                count += 1
                guard try endOfElement(closing: UInt8(ascii: "]")) else { break }
            }
        }
        skipWhitespace()
        guard index == bytes.count else { throw .trailingData(offset: index) }
        return nil
    }

    /// An object at `index` whose members named in the matcher's keys land in `slots` (same
    /// index; the last one when a key repeats); the others are checked and dropped.
    private mutating func slottedObject(depth: Int, matcher: inout JSONKeyMatcher,
                                        slots: UnsafeMutableBufferPointer<JSONField>) throws(JSONParseError) {
        guard depth <= options.depthLimit else { throw .tooDeep(limit: options.depthLimit, offset: index) }
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return }
        var position = 0
        while true {
            let (name, escaped) = try memberName()
            let slot: Int?
            if escaped {
                slot = unescaped(name).withUnsafeBufferPointer { matcher.slot(of: $0, position: position) }
            } else {
                slot = matcher.slot(of: UnsafeBufferPointer(rebasing: bytes[name]), position: position)
            }
            if let slot { slots[slot] = try field(depth: depth) } else { try checkValue(depth: depth) }
            position += 1
            guard try endOfElement(closing: UInt8(ascii: "}")) else { return }
        }
    }
}

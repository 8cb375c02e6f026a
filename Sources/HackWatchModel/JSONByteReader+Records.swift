/// One element of a feed's top-level array, as `JSONValue.forEachRecord` hands it over.
package enum JSONRecord {
    /// An object: `slots[k]` is the value of the k-th requested key (nil when absent; the last
    /// one when a key repeats). Other members were read (and checked) but not kept.
    case object(slots: [JSONValue?])
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
        let keyBytes = keys.map { Array($0.utf8) }
        let result: Result<(JSONValue?, [SkippedJSONElement]), JSONParseError> = bytes.withUnsafeBufferPointer { buffer in
            var reader = JSONByteReader(bytes: buffer, options: options)
            reader.recoversRecords = true
            do throws(JSONParseError) {
                let other = try reader.records(keys: keyBytes, body)
                return .success((other, reader.skipped))
            } catch {
                return .failure(error)
            }
        }
        let (other, list) = try result.get()
        skipped += list
        return other
    }
}

extension JSONByteReader {
    /// `forEachRecord`'s loop: the document as `document()` reads it, streaming a top-level
    /// array's elements.
    mutating func records(keys: [[UInt8]], _ body: (Int, JSONRecord) -> Void) throws(JSONParseError) -> JSONValue? {
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
        var slots = [JSONValue?](repeating: nil, count: keys.count)
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
                        for slot in slots.indices { slots[slot] = nil }
                        try slottedObject(depth: 2, keys: keys, slots: &slots)
                        body(count, .object(slots: slots))
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
                skipWhitespace()
                guard index < bytes.count else { throw .unexpectedEnd }
                let byte = bytes[index]
                if byte == UInt8(ascii: ",") { index += 1; continue }
                if byte == UInt8(ascii: "]") { index += 1; break }
                throw unexpected()
            }
        }
        skipWhitespace()
        guard index == bytes.count else { throw .trailingData(offset: index) }
        return nil
    }

    /// An object at `index` whose members named in `keys` land in `slots` (same index).
    private mutating func slottedObject(depth: Int, keys: [[UInt8]], slots: inout [JSONValue?]) throws(JSONParseError) {
        guard depth <= options.depthLimit else { throw .tooDeep(limit: options.depthLimit, offset: index) }
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw unexpected() }
            let slot = try keySlot(keys)
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw unexpected() }
            index += 1
            let value = try value(depth: depth)
            if let slot { slots[slot] = value }
            skipWhitespace()
            guard index < bytes.count else { throw .unexpectedEnd }
            let byte = bytes[index]
            if byte == UInt8(ascii: ",") { index += 1; continue }
            if byte == UInt8(ascii: "}") { index += 1; return }
            throw unexpected()
        }
    }

    /// Reads the member name at the opening quote and returns its index in `keys`, if any. A
    /// plain name is compared as raw bytes; one with escapes (or a bad byte) is decoded as
    /// `string()` decodes it, which also reports its errors.
    private mutating func keySlot(_ keys: [[UInt8]]) throws(JSONParseError) -> Int? {
        let start = index + 1
        var end = start
        while end < bytes.count {
            let byte = bytes[end]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            end += 1
        }
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            index = end + 1
            return Self.slot(of: UnsafeBufferPointer(rebasing: bytes[start..<end]), in: keys)
        }
        let decoded = Array(try string().utf8)
        return decoded.withUnsafeBufferPointer { Self.slot(of: $0, in: keys) }
    }

    private static func slot(of name: UnsafeBufferPointer<UInt8>, in keys: [[UInt8]]) -> Int? {
        for (slot, key) in keys.enumerated() where key.count == name.count {
            if key.withUnsafeBufferPointer({ $0.elementsEqual(name) }) { return slot }
        }
        return nil
    }
}

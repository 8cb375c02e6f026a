extension String {
    /// The strings `parts` hands to its argument, one after another, built straight into the
    /// result's storage: `parts` runs twice (once to count the bytes, once to copy them), so
    /// there is one allocation (none up to 15 bytes) and no intermediate buffer.
    static func concatenated(_ parts: (_ add: (String) -> Void) -> Void) -> String {
        var count = 0
        parts { count += $0.utf8.count }
        return String(unsafeUninitializedCapacity: count) { buffer in
            var offset = 0
            parts { part in
                var part = part
                part.withUTF8 { bytes in
                    guard let source = bytes.baseAddress, let target = buffer.baseAddress, offset + bytes.count <= buffer.count else { return }
                    (target + offset).update(from: source, count: bytes.count)
                    offset += bytes.count
                }
            }
            return offset
        }
    }
}

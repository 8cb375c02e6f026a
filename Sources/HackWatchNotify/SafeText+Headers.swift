import Foundation

/// HTTP header values made from feed text (ntfy's `Title`).
extension SafeText {
    /// Breaks RFC 2047 encoded-word syntax found in feed text (`=?` and `?=` get a zero-width
    /// space inside), so a receiver that decodes encoded words (ntfy) cannot turn a feed's
    /// `=?UTF-8?B?…?=` into bidi overrides, line breaks or a mention that cleaning never saw.
    package static func defangEncodedWords(_ text: String) -> String {
        guard text.contains("=?") || text.contains("?=") else { return text }
        return text.replacingOccurrences(of: "=?", with: "=\u{200B}?").replacingOccurrences(of: "?=", with: "?\u{200B}=")
    }

    /// `value` as it goes in a header: itself when ASCII, else RFC 2047 `=?UTF-8?B?…?=` words of
    /// at most 75 characters (45 bytes of text each, never split inside a character), separated
    /// by spaces, which decoders drop between adjacent encoded words.
    package static func encodedWords(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 >= 0x80 }) else { return value }
        var words: [[UInt8]] = []
        var chunk: [UInt8] = []
        for scalar in value.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > 45 {
                words.append(chunk)
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?" + Data($0).base64EncodedString() + "?=" }.joined(separator: " ")
    }
}

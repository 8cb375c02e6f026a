import CCrypto

/// SHA-256 (FIPS 180-4) from OpenSSL's libcrypto through the CCrypto shim: a maintained
/// implementation, already in the process through libcurl. Checked against the FIPS vectors.
package enum SHA256 {
    /// The digest size in bytes.
    package static let byteCount = 32

    /// The digest of `bytes`.
    package static func hash<Bytes: Sequence>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        let input = Array(bytes)
        var out = [UInt8](repeating: 0, count: byteCount)
        let ok = input.withUnsafeBufferPointer { data in
            out.withUnsafeMutableBufferPointer { hw_sha256(data.baseAddress, data.count, $0.baseAddress) }
        }
        // libcrypto fails SHA-256 only when it cannot allocate: nothing sensible to continue with.
        precondition(ok == 1, "libcrypto SHA-256 failed")
        return out
    }
}

/// HMAC-SHA256 (RFC 2104) from libcrypto. Checked against the RFC 4231 vectors.
package enum HMACSHA256 {
    /// The tag of `message` under `key`.
    package static func authenticate(_ message: [UInt8], key: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: SHA256.byteCount)
        let ok = key.withUnsafeBufferPointer { key in
            message.withUnsafeBufferPointer { data in
                out.withUnsafeMutableBufferPointer {
                    hw_hmac_sha256(key.baseAddress, key.count, data.baseAddress, data.count, $0.baseAddress)
                }
            }
        }
        precondition(ok == 1, "libcrypto HMAC-SHA256 failed")
        return out
    }
}

import Foundation

/// Signs webhook requests per the Standard Webhooks spec (standardwebhooks.com):
/// `webhook-signature: v1,<base64(HMAC-SHA256(key, "<id>.<timestamp>.<body>"))>`, where the
/// key is the base64 part of a `whsec_…` secret.
package struct WebhookSigner: Sendable {
    private let key: [UInt8]

    /// Why a signing secret is unusable (the message never contains the secret).
    package enum SecretProblem: Error, Equatable, Sendable, CustomStringConvertible {
        /// The secret (after an optional `whsec_` prefix) is not valid base64.
        case notBase64
        /// The key decodes to fewer than 16 bytes (the spec asks for 24 to 64).
        case tooShort(bytes: Int)

        package var description: String {
            switch self {
            case .notBase64: "signing secret is not base64 after the 'whsec_' prefix"
            case .tooShort(let bytes): "signing secret decodes to \(bytes) bytes; at least 16 are needed"
            }
        }
    }

    /// `secret` is `whsec_<base64>` (the prefix is optional, as in the reference libraries).
    package init(secret: String) throws(SecretProblem) {
        let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        guard let data = Data(base64Encoded: encoded) else { throw .notBase64 }
        guard data.count >= 16 else { throw .tooShort(bytes: data.count) }
        key = Array(data)
    }

    /// The `webhook-signature` header value for one message.
    package func signature(id: String, timestamp: Int, body: [UInt8]) -> String {
        var signed = Array("\(id).\(timestamp).".utf8)
        signed += body
        return "v1," + Data(HMACSHA256.authenticate(signed, key: key)).base64EncodedString()
    }
}

import Foundation

/// One fact of an incident that changed since its last alert: `loss` `$540M → $624M`,
/// `sources` `defillama → defillama, rekt`, `rules` `mega_hack → mega_hack, dprk_attribution`.
package struct AlertChange: Hashable, Sendable {
    /// `loss`, `returned`, `attribution`, `sources` or `rules`.
    package var field: String
    /// The value the previous alert showed (nil: unknown then).
    package var from: String?
    /// The value now.
    package var to: String

    package init(field: String, from: String?, to: String) {
        self.field = field
        self.from = from
        self.to = to
    }

    /// `loss $540M → $624M`, `attribution: Lazarus Group` (nothing before).
    package var summary: String {
        if let from { return "\(field) \(from) → \(to)" }
        return "\(field): \(to)"
    }
}

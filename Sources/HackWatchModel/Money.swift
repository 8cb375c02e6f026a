/// An amount in US dollars.
///
/// Stored as a `Double`: feed amounts are whole dollars up to a few billion, well inside the
/// 2^53 range where every integer is exact, and rules compare money with plain numbers freely.
public struct Money: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The amount in USD.
    public var usd: Double

    /// Creates an amount of `usd` dollars.
    public init(usd: Double) { self.usd = usd }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.usd < rhs.usd }

    /// A short human form: `$624M`, `$1.5B`, `$250k`, `$950`.
    public var human: String {
        let value = usd
        let magnitude = abs(value)
        let sign = value < 0 ? "-$" : "$"
        // Whole numbers without a fraction. Amounts past Int64 (a hostile feed's 1e300, or
        // infinity after `amount_scale`) and NaN print as Swift writes them: Int64() would trap.
        func whole(_ number: Double) -> String {
            number == number.rounded() && number < 0x1p63 ? String(Int64(number)) : String(number)
        }
        func fmt(_ scaled: Double, _ suffix: String) -> String {
            sign + whole((scaled * 10).rounded() / 10) + suffix
        }
        if magnitude >= 1e9 { return fmt(magnitude / 1e9, "B") }
        if magnitude >= 1e6 { return fmt(magnitude / 1e6, "M") }
        if magnitude >= 1e3 { return fmt(magnitude / 1e3, "k") }
        return sign + whole(magnitude.rounded())
    }

    public var description: String { human }
}

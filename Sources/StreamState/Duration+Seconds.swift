import Foundation

extension Duration {
    /// The duration in seconds, as a `TimeInterval`.
    package var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

/// A test that could not do what it set out to: a setup problem, a timeout, a missing tool.
/// Its message says what and, where it helps, what to install or look at.
public struct TestFailure: Error, CustomStringConvertible {
    /// The message.
    public let description: String

    /// A failure saying `description`.
    public init(_ description: String) {
        self.description = description
    }
}

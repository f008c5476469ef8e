/// Receives every new version of the document: the event hub (SSE), the state file writer,
/// the service status line. Called on the store's executor: return quickly.
public protocol StatePublisher: Sendable {
    /// The document changed; `changed` is the station that changed (`nil`: a change of the
    /// whole document, such as the stale flag or a reload).
    func publish(_ document: StateDocument, changed: StationState?)
}

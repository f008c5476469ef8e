/// Splits a Server-Sent Events byte stream into messages.
public struct SSEParser: Sendable {
    /// One event: its `id:`, `event:` and joined `data:` lines.
    public struct Message: Sendable, Equatable {
        /// The `id:` (the document sequence for streamd's events).
        public var id: UInt64?
        /// The `event:` name (`snapshot`, `station`).
        public var event: String?
        /// The `data:` lines, joined with newlines.
        public var data: String

        /// Creates a message.
        public init(id: UInt64? = nil, event: String? = nil, data: String) {
            self.id = id
            self.event = event
            self.data = data
        }
    }

    private var buffer: [UInt8] = []
    private var current = Message(data: "")
    private var hasData = false

    /// Creates a parser.
    public init() {}

    /// Adds bytes as they arrive (any split); returns the messages they completed. Comment
    /// lines (heartbeats) are skipped.
    public mutating func feed(_ bytes: [UInt8]) -> [Message] {
        buffer += bytes
        var out: [Message] = []
        while let newline = buffer.firstIndex(of: 10) {
            var line = String(decoding: buffer[..<newline], as: UTF8.self)
            buffer.removeSubrange(...newline)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.isEmpty {
                if hasData { out.append(current) }
                current = Message(data: "")
                hasData = false
            } else if line.hasPrefix(":") {
                continue
            } else {
                let parts = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                let field = String(parts[0])
                var value = parts.count > 1 ? String(parts[1]) : ""
                if value.hasPrefix(" ") { value.removeFirst() }
                switch field {
                case "id": current.id = UInt64(value)
                case "event": current.event = value
                case "data":
                    current.data += hasData ? "\n" + value : value
                    hasData = true
                default: break
                }
            }
        }
        return out
    }
}

import Foundation
import StreamFormats
import StreamHTTP
import StreamState

extension ErrorValue {
    /// The document's error for an engine error.
    public init(_ error: HTTPError, at: Date) {
        self.init(kind: error.kind.rawValue, message: error.message, at: at, httpStatus: error.httpStatus)
    }

    /// The document's error for a payload that did not parse.
    public init(_ error: ParseError, at: Date) {
        self.init(kind: "parse", message: error.description, at: at)
    }

    /// The document's error for any failure.
    public init(any error: any Error, at: Date) {
        switch error {
        case let http as HTTPError: self.init(http, at: at)
        case let parse as ParseError: self.init(parse, at: at)
        default: self.init(kind: "other", message: "\(error)", at: at)
        }
    }
}

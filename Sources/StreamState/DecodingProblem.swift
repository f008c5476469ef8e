import Foundation

/// What a `DecodingError` says, in a line: what is wrong and where, without the type dump
/// (the state file's and the history file's messages).
public enum DecodingProblem {
    /// `not valid JSON (…)`, `missing a.b`, `wrong value at a.b`, or the error as it is.
    public static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .dataCorrupted(let context)?:
            return "not valid JSON" + (context.underlyingError.map { " (\(($0 as NSError).localizedDescription))" } ?? "")
        case .keyNotFound(let key, let context)?:
            return "missing \((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            return "wrong value at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default:
            return "\(error)"
        }
    }
}

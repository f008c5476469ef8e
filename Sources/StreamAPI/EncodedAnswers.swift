import NIOConcurrencyHelpers
import StreamState

/// The read answers, encoded once and served as the same bytes to every request until they
/// change. The version-only answers (`/v1/state`, `/v1/stations`, `/v1/stations/{id}`) are kept
/// per document version, until the `sequence` moves. The answers that also depend on the clock
/// (`/v1/now`, `/v1/next`: whole seconds elapsed and remaining) are kept with the value they
/// encode, and encoded again only when a request's value differs (about once a second while a
/// program runs). Encoding for each request was most of the CPU of these routes (see
/// Benchmarks/README.md).
final class EncodedAnswers: Sendable {
    private struct Version {
        var sequence: UInt64
        var bodies: [Key: [UInt8]] = [:]
    }

    /// An answer computed per request, with its bytes.
    private struct Memo: Sendable {
        /// The answer the bytes encode, in an ``AnswerBox`` (a class, so that finding out
        /// whether it holds the type asked for is a pointer check, not an existential cast).
        var answer: AnyObject & Sendable
        var body: [UInt8]
    }

    /// A `NowAnswer` or `NextAnswer` (immutable values) kept in a memo.
    private final class AnswerBox<Answer: Sendable>: Sendable {
        let value: Answer
        init(_ value: Answer) { self.value = value }
    }

    /// Which answer.
    enum Key: Hashable {
        case state
        case stations
        case station(String)
        case now(String)
        case next(String)
    }

    private let version = NIOLockedValueBox<Version?>(nil)
    private let memos = NIOLockedValueBox<[Key: Memo]>([:])

    /// The body for `key` of `document`: from the cache when this version's was made, else
    /// made by `encode` (outside the lock) and kept. A newer version replaces every body.
    func body(_ key: Key, of document: StateDocument, _ encode: () -> [UInt8]) -> [UInt8] {
        let cached = version.withLockedValue { version -> [UInt8]? in
            guard let version, version.sequence == document.sequence else { return nil }
            return version.bodies[key]
        }
        if let cached { return cached }
        let made = encode()
        version.withLockedValue { version in
            if version == nil || version!.sequence < document.sequence {
                version = Version(sequence: document.sequence)
            }
            if version!.sequence == document.sequence { version!.bodies[key] = made }
        }
        return made
    }

    /// The body of `answer`, a value computed for this request from `document`: the bytes kept
    /// for `key` when they encode an equal value, else `answer` encoded (outside the lock) and
    /// kept in their place. One entry per key; entries of stations no longer in the document
    /// (after a reload) are dropped when the cache outgrows two per station.
    func body<Answer: StateJSONEncodable & Equatable & Sendable>(_ key: Key, for answer: Answer, in document: StateDocument) -> [UInt8] {
        let cached = memos.withLockedValue { memos -> [UInt8]? in
            guard let memo = memos[key], (memo.answer as? AnswerBox<Answer>)?.value == answer else { return nil }
            return memo.body
        }
        if let cached { return cached }
        let made = APIResponse.jsonBody(answer)
        memos.withLockedValue { memos in
            memos[key] = Memo(answer: AnswerBox(answer), body: made)
            if memos.count > 2 * document.stations.count + 2 {
                memos = memos.filter { key, _ in
                    switch key {
                    case .now(let id), .next(let id): document.station(id) != nil
                    default: false
                    }
                }
            }
        }
        return made
    }

    /// How many per-request answers are kept (for tests).
    var memoCount: Int { memos.withLockedValue { $0.count } }
}

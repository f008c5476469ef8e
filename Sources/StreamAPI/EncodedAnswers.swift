import NIOConcurrencyHelpers
import StreamState

/// The read answers that depend only on the document version (`/v1/state`, `/v1/stations`,
/// `/v1/stations/{id}`), encoded once per version and served as the same bytes to every
/// request until the `sequence` moves. Encoding the whole document for each request was most
/// of the CPU of `/v1/state` (see Benchmarks/README.md).
final class EncodedAnswers: Sendable {
    private struct Version {
        var sequence: UInt64
        var bodies: [Key: [UInt8]] = [:]
    }

    /// Which answer.
    enum Key: Hashable {
        case state
        case stations
        case station(String)
    }

    private let version = NIOLockedValueBox<Version?>(nil)

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
}

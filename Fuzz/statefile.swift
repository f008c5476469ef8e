// The state file loader: StateFile.load (compiled in from Sources/StreamAPI/StateFile.swift,
// see scripts/fuzz) over a file in /dev/shm, and the same JSON through the decoder directly.
import Foundation
import StreamState

let path = "/dev/shm/streamd-fuzz-state-\(getpid()).json"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    _ = try? StateDocument.makeDecoder().decode(StateDocument.self, from: bytes)
    guard FileManager.default.createFile(atPath: path, contents: bytes) else { return 0 }
    do {
        if let document = try StateFile(path: path).load() { _ = document.stations.count }
    } catch {
        _ = error.description
    }
    return 0
}

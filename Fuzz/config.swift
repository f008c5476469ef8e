// The TOML configuration (TOMLKit, then streamd's validation into station specs).
import StreamConfig

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let text = String(decoding: fuzzBytes(data, size), as: UTF8.self)
    do {
        let configuration = try StreamdConfiguration.parse(text, file: "fuzz.toml")
        _ = configuration.stations.count
    } catch {
        _ = error.description
    }
    return 0
}

// streamd engine benchmark: CPU per HTTP poll through the one-thread curl_multi engine, at
// several concurrency levels, and the ICY demultiplexer's throughput next to a plain byte
// scan of the same buffer (the floor). Ratios within one run are what to compare: the
// machines here are shared and noisy.
//
//   swift run -c release streamd-bench [polls-per-level]
import Foundation
import StreamHTTP
import StreamFormats
import StreamTestSupport

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

let argument = CommandLine.arguments.dropFirst().first
if let argument, Int(argument) == nil {
    print("usage: streamd-bench [polls-per-level]   (default 2000; see Benchmarks/README.md)")
    exit(argument == "--help" || argument == "-h" ? 0 : 64)
}
let pollsPerLevel = argument.flatMap(Int.init) ?? 2000
let server = try await LoopbackServer.start()
let body = String(repeating: "<property name=\"cue_title\"><![CDATA[Song]]></property>", count: 20)
server.route("/np", .ok(body, contentType: "text/xml"))
let engine = try CurlEngine()

print("streamd engine benchmark (\(pollsPerLevel) polls per level, \(ProcessInfo.processInfo.activeProcessorCount) cores)")
print("concurrency | polls/s | CPU µs/poll (whole process, server included)")
for concurrency in [1, 16, 64, 256] {
    let clock = ContinuousClock()
    let cpu0 = cpuSeconds()
    let start = clock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        var issued = 0
        for _ in 0..<concurrency {
            group.addTask { _ = try await engine.fetch(HTTPRequest(url: server.url("/np"))) }
            issued += 1
        }
        while try await group.next() != nil {
            if issued < pollsPerLevel {
                group.addTask { _ = try await engine.fetch(HTTPRequest(url: server.url("/np"))) }
                issued += 1
            }
        }
    }
    let wall = seconds(clock.now - start)
    let cpu = cpuSeconds() - cpu0
    print(String(format: "%11d | %7.0f | %6.1f", concurrency, Double(pollsPerLevel) / wall, cpu / Double(pollsPerLevel) * 1e6))
}

// ICY demultiplexing: 64 MiB of audio with a metadata block every 16000 bytes, fed in 16 KiB
// chunks (libcurl's buffer size), against copying each chunk (what a parser that takes
// `[UInt8]` chunks costs).
let metaint = 16000
var stream: [UInt8] = []
let block = [UInt8(2)] + Array("StreamTitle='Artist - Song';".utf8) + [UInt8](repeating: 0, count: 4)
while stream.count < 64 << 20 {
    stream += [UInt8](repeating: 0x55, count: metaint)
    stream += block
}
func timeIt(_ body: () -> Int) -> (Double, Int) {
    let clock = ContinuousClock()
    let start = clock.now
    let result = body()
    return (seconds(clock.now - start), result)
}
// The naive way: copy every chunk's audio into an array before looking at it.
let (copyTime, copied) = timeIt {
    var total = 0
    stream.withUnsafeBytes { all in
        var offset = 0
        while offset < all.count {
            let chunk = UnsafeRawBufferPointer(rebasing: all[offset..<min(offset + 16384, all.count)])
            let copy = [UInt8](chunk)
            total &+= copy.count
            offset += 16384
        }
    }
    return total
}
let (demuxTime, titles) = timeIt {
    var demuxer = try! IcyDemuxer(metaint: metaint)
    var audio = 0
    var count = 0
    stream.withUnsafeBytes { all in
        var offset = 0
        while offset < all.count {
            let chunk = UnsafeRawBufferPointer(rebasing: all[offset..<min(offset + 16384, all.count)])
            count += demuxer.feed(chunk) { audio += $0.count }.count
            offset += 16384
        }
    }
    return count
}
let mib = Double(stream.count) / Double(1 << 20)
print("")
print("ICY over \(Int(mib)) MiB in 16 KiB chunks | MiB/s | speed vs copying")
print(String(format: "copy each chunk (naive)          | %7.0f | 1.00  (%d bytes)", mib / copyTime, copied))
print(String(format: "IcyDemuxer, audio passed in place | %7.0f | %.2f  (%d metadata blocks)", mib / demuxTime, copyTime / demuxTime, titles))
print(String(format: "one 128 kbit/s stream is 0.0153 MiB/s: the demuxer could follow %.0f of them per core", mib / demuxTime / 0.0153))
engine.shutdown()
await server.shutdown()

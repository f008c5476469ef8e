// An output's text for any song: OutputMessage (template, charset, word-safe cut) for each
// kind, then what the kinds make of it (RDS commands with RT+ tags, ODR-PadEnc's file,
// OnAirScreen's datagrams), compiled in from Sources/StreamOutputs (see scripts/fuzz). The input
// is split at 0xFF bytes into template, artist, title, program and station name. Every
// promise the outputs make is checked: a violation crashes, which the fuzzer reports.
import Foundation
import StreamState

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let fields = fuzzBytes(data, size).split(separator: 0xFF, omittingEmptySubsequences: false)
        .map { String(decoding: $0, as: UTF8.self) }
    func field(_ index: Int, _ fallback: String) -> String { index < fields.count ? fields[index] : fallback }
    let template = field(0, "{artist} – {title}"), artist = field(1, ""), title = field(2, "")
    let song = title.isEmpty ? nil : SongValue(title: title, artist: artist.isEmpty ? nil : artist, album: nil, composer: nil,
                                               start: nil, duration: nil, source: "icy", seenAt: fuzzNow)
    let program = ProgramValue(name: field(3, "Morning Edition"), hosts: [], start: nil, end: nil, source: "composer", seenAt: fuzzNow)
    let station = StationState(id: "fuzz-fm", name: field(4, "Fuzz FM"), tagline: nil, timezone: "UTC", onAir: true,
                               now: NowState(program: program, song: song, text: song?.title ?? program.name),
                               next: [program], recent: [], streams: [], sources: [], changedAt: fuzzNow)
    let targets: [OutputSpec.Target] = [.rds(host: "h", port: 1, dialect: .pira), .rds(host: "h", port: 1, dialect: .inovonics),
                                        .dls(path: "/x"), .udp(host: "h", port: 1), .file(path: "/x")]
    for target in targets {
        for charset in OutputCharset.allCases {
            let spec = OutputSpec(target: target, station: "fuzz-fm", template: template, fallback: "{text}", delay: .zero,
                                  maxLength: (size % 3 == 0) ? 16 : nil, charset: charset)
            let message = OutputMessage(spec, station: station)
            let text = message.text
            if let limit = spec.maxLength { check(text.count <= limit, "longer than max_length") }
            check(OutputCut.cut(text, maxLength: spec.maxLength ?? Int.max / 2) == text, "a cut text cut again changed")
            switch charset {
            case .ascii: check(text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }, "not printable ASCII")
            case .ebuLatin: check(charset.encode(text).count == text.count, "a character EBU Latin cannot carry")
            case .utf8: break
            }
            check(charset.transliterate(text) == text, "transliterating twice changed the text")
            let tags = OutputTags.locate(in: text, song: message.song, charset: charset)
            for range in [tags.artist, tags.title].compactMap({ $0 }) {
                check(range.lowerBound >= 0 && range.upperBound <= text.count, "a tag outside the text")
            }
            switch target {
            case .rds(_, _, let dialect):
                for line in RDSCommands.lines(text: text, tags: RDSTags(artist: tags.artist, title: tags.title), dialect: dialect) {
                    let body = line.dropLast(line.hasSuffix("\r\n") ? 2 : 1)
                    check(!body.contains { $0 == "\r" || $0 == "\n" || $0 == "\r\n" }, "a line break inside a command")
                }
            case .dls:
                let file = DLSFile.render(text: text, artist: tags.artist, title: tags.title, running: song != nil, toggle: size % 2 == 0)
                let lines = file.split(separator: "\n", omittingEmptySubsequences: false)
                check(lines.last == "" && lines.dropLast().last.map { !$0.contains("\n") } == true, "the label is not one line")
                check(lines.firstIndex(of: "##### parameters } #####") == lines.count - 3, "text inside the parameters")
            case .udp:
                for datagram in OnAirScreenCommands.datagrams(now: text, next: message.next, warning: message.warning) {
                    check(!datagram.contains { $0.isNewline }, "a line break in a datagram")
                }
            default: break
            }
        }
    }
    return 0
}

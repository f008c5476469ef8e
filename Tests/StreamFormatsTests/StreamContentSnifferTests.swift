import Testing
@testable import StreamFormats

@Suite("What a stream's body is: audio, or something pasted in its place")
struct StreamContentSnifferTests {
    func bytes(_ text: String, padTo count: Int = 600) -> [UInt8] {
        var out = Array(text.utf8)
        while out.count < count { out += Array(" padding text for the sniffer".utf8) }
        return out
    }

    @Test("a web player's page is a web page, named with its content type")
    func webPage() {
        let page = bytes("<!DOCTYPE html>\n<html lang=\"en\"><head><title>WVIA Listen Live</title>")
        #expect(StreamContentSniffer.classify(contentType: "text/html; charset=utf-8", prefix: page)
                == .notAudio("a web page (text/html)"))
        #expect(StreamContentSniffer.message("a web page (text/html)") == "a web page (text/html), not an audio stream")
        let bom = [0xEF, 0xBB, 0xBF] + bytes("\n  <html><body>")
        #expect(StreamContentSniffer.classify(contentType: nil, prefix: bom) == .notAudio("a web page"))
    }

    @Test("JSON, XML, playlists and plain text are not audio, each said as what it is",
          arguments: [
            ("{\"now_playing\": {}}", "application/json", "a JSON document (application/json)"),
            ("<?xml version=\"1.0\"?><SHOUTCASTSERVER>", "text/xml", "an XML document (text/xml)"),
            ("[playlist]\nFile1=http://x/live\n", "audio/x-scpls", "a PLS playlist (audio/x-scpls) (use one of its File= URLs)"),
            ("#EXTM3U\n#EXTINF:-1,WVIA\nhttp://x/live\n", "audio/x-mpegurl", "an M3U playlist (audio/x-mpegurl) (use the stream URL inside it)"),
            ("Stream not found. Try again later.", "audio/mpeg", "text (audio/mpeg)"),
          ])
    func textBodies(body: String, type: String, expected: String) {
        #expect(StreamContentSniffer.classify(contentType: type, prefix: bytes(body)) == .notAudio(expected))
    }

    @Test("an HLS media playlist is handed to the HLS watcher")
    func hls() {
        let playlist = bytes("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nseg1.aac\n")
        #expect(StreamContentSniffer.classify(contentType: "text/plain", prefix: playlist) == .hlsPlaylist)
    }

    static let signatures: [(prefix: [UInt8], name: String)] = [
        ([0xFF, 0xFB, 0x90, 0x64], "MP3"),
        ([0xFF, 0xF1, 0x50, 0x80], "AAC (ADTS)"),
        ([0x4F, 0x67, 0x67, 0x53, 0, 2], "Ogg"),
        ([0x66, 0x4C, 0x61, 0x43, 0, 0], "FLAC"),
        ([0x49, 0x44, 0x33, 4, 0, 0], "ID3-tagged audio"),
    ]

    @Test("audio signatures are audio whatever the content type says")
    func audio() {
        for signature in Self.signatures {
            #expect(StreamContentSniffer.classify(contentType: "text/html", prefix: signature.prefix) == .audio(signature.name))
        }
    }

    @Test("binary the sniffer does not know is audio (streams start mid-frame); text needs enough bytes; an empty body is not audio")
    func edges() {
        let midFrame: [UInt8] = [0x3A, 0x91, 0x00, 0x07, 0xC4, 0x12, 0xFE, 0x80]
        #expect(StreamContentSniffer.classify(contentType: "audio/mpeg", prefix: midFrame) == .audio("binary data"))
        #expect(StreamContentSniffer.classify(contentType: "text/html", prefix: Array("<html><he".utf8)) == .undecided)
        #expect(StreamContentSniffer.classify(contentType: "text/html", prefix: Array("<html><he".utf8), complete: true)
                == .notAudio("a web page (text/html)"))
        #expect(StreamContentSniffer.classify(contentType: nil, prefix: [], complete: true) == .notAudio("an empty body"))
        let utf8 = bytes("Déjà vu – 日本語 ")
        #expect(StreamContentSniffer.classify(contentType: nil, prefix: utf8) == .notAudio("text"))
    }
}

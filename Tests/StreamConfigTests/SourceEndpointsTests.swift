import Testing
@testable import StreamConfig
@testable import StreamFormats

@Suite("Source endpoints")
struct SourceEndpointsTests {
    let day = StationLocalTime.Day(year: 2026, month: 11, day: 27)!

    @Test("the services' own URLs")
    func defaults() {
        let triton = SourceConfig(settings: .triton(mount: "WVIAFM", count: 5))
        #expect(triton.nowURL == "https://np.tritondigital.com/public/nowplaying?mountName=WVIAFM&numberToFetch=5&eventType=track")
        #expect(triton.scheduleURL(for: day) == nil)

        let composer = SourceConfig(settings: .composer(ucs: "53a98e36e1c80647e855fc88", dayURL: nil))
        #expect(composer.nowURL == "https://api.composer.nprstations.org/v1/widget/53a98e36e1c80647e855fc88/now?format=json&show_song=true")
        #expect(composer.scheduleURL(for: day) == "https://api.composer.nprstations.org/v1/widget/53a98e36e1c80647e855fc88/day?date=2026-11-27&format=json")

        let cadence = SourceConfig(settings: .cadence(uuid: "abc-123", dayURL: nil))
        #expect(cadence.nowURL == "https://cadence.nprstations.org/api/cadence/widget/abc-123?show_song=true")
        #expect(cadence.dayURL(for: day) == "https://cadence.nprstations.org/api/cadence/widget/abc-123/day?date=2026-11-27")

        let spinitron = SourceConfig(settings: .spinitron(token: .inline(ConfigSecret("k"))))
        #expect(spinitron.nowURL == "https://spinitron.com/api/spins")
        #expect(spinitron.scheduleURL(for: day) == "https://spinitron.com/api/playlists")
    }

    @Test("server kinds from a base URL, with or without a trailing slash")
    func serverBases() {
        #expect(SourceConfig(settings: .icecast(mount: "/live"), url: "http://127.0.0.1:8000").nowURL
                == "http://127.0.0.1:8000/status-json.xsl")
        #expect(SourceConfig(settings: .icecast(mount: nil), url: "http://h:8000/status-json.xsl").nowURL
                == "http://h:8000/status-json.xsl")
        #expect(SourceConfig(settings: .shoutcast(sid: 2), url: "http://h:8000/").nowURL == "http://h:8000/stats?sid=2&json=1")
        #expect(SourceConfig(settings: .shoutcast(sid: 1), url: "http://h:8000/stats").nowURL == "http://h:8000/stats?sid=1&json=1")
        #expect(SourceConfig(settings: .azuracast(station: "wxyz"), url: "https://radio.example.org").nowURL
                == "https://radio.example.org/api/nowplaying/wxyz")
        #expect(SourceConfig(settings: .azuracast(station: nil), url: "https://radio.example.org/api/nowplaying_static/wxyz.json").nowURL
                == "https://radio.example.org/api/nowplaying_static/wxyz.json")
        #expect(SourceConfig(settings: .spinitron(token: .file("/k")), url: "http://127.0.0.1:9/api/").nowURL
                == "http://127.0.0.1:9/api/spins")
    }

    @Test("url overrides, and the day URL derived from it or given")
    func overrides() {
        let triton = SourceConfig(settings: .triton(mount: nil, count: 5), url: "http://127.0.0.1:9/np.xml")
        #expect(triton.nowURL == "http://127.0.0.1:9/np.xml")

        let composer = SourceConfig(settings: .composer(ucs: nil, dayURL: nil),
                                    url: "http://127.0.0.1:9/v1/widget/x/now?format=json&show_song=true")
        #expect(composer.nowURL == "http://127.0.0.1:9/v1/widget/x/now?format=json&show_song=true")
        #expect(composer.dayURL(for: day) == "http://127.0.0.1:9/v1/widget/x/day?date=2026-11-27&format=json")

        let cadence = SourceConfig(settings: .cadence(uuid: nil, dayURL: nil), url: "http://127.0.0.1:9/widget/u?show_song=true")
        #expect(cadence.dayURL(for: day) == "http://127.0.0.1:9/widget/u/day?date=2026-11-27")

        let explicit = SourceConfig(settings: .composer(ucs: "x", dayURL: "http://127.0.0.1:9/schedule?date=old&format=json"))
        #expect(explicit.dayURL(for: day) == "http://127.0.0.1:9/schedule?date=2026-11-27&format=json")
    }

    @Test("schedule URLs without a date, for pollers that add it")
    func undated() {
        #expect(SourceConfig(settings: .composer(ucs: "u", dayURL: nil)).scheduleURLWithoutDate
                == "https://api.composer.nprstations.org/v1/widget/u/day?format=json")
        #expect(SourceConfig(settings: .cadence(uuid: "u", dayURL: nil)).scheduleURLWithoutDate
                == "https://cadence.nprstations.org/api/cadence/widget/u/day")
        #expect(SourceConfig(settings: .composer(ucs: nil, dayURL: nil), url: "http://127.0.0.1:9/composer/now").scheduleURLWithoutDate
                == "http://127.0.0.1:9/composer/day?format=json")
        #expect(SourceConfig(settings: .cadence(uuid: nil, dayURL: "http://h/d?date=x&k=1")).scheduleURLWithoutDate == "http://h/d?k=1")
        #expect(SourceConfig(settings: .triton(mount: "M", count: 5)).scheduleURLWithoutDate == nil)
    }

    @Test("ids are escaped into the URL")
    func escaping() {
        let triton = SourceConfig(settings: .triton(mount: "A&B C", count: 1))
        #expect(triton.nowURL.contains("mountName=A%26B%20C&"))
    }
}

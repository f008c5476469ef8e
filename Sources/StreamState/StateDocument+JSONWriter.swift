/// The state types write their own JSON (``StateJSONWriter``), each with its keys in sorted
/// order, as `JSONEncoder` with `.sortedKeys` orders them (byte order: `okAt` before `onAir`).

extension StateDocument: StateJSONEncodable {
    /// The document's JSON.
    public func writeJSON(to w: inout StateJSONWriter) {
        w.raw("{\"live\":"); w.string(live)
        w.raw(",\"schema\":"); w.int(schema)
        w.raw(",\"sequence\":"); w.int(sequence)
        w.raw(",\"stale\":"); w.bool(stale)
        w.raw(",\"stations\":"); w.array(stations)
        w.raw(",\"updatedAt\":"); w.date(updatedAt)
        w.raw("}")
    }
}

extension StationState: StateJSONEncodable {
    /// The station's JSON.
    public func writeJSON(to w: inout StateJSONWriter) {
        w.raw("{\"changedAt\":"); w.date(changedAt)
        w.raw(",\"id\":"); w.string(id)
        w.raw(",\"name\":"); w.string(name)
        w.raw(",\"next\":"); w.array(next)
        w.raw(",\"now\":"); now.writeJSON(to: &w)
        w.raw(",\"onAir\":"); w.bool(onAir)
        w.raw(",\"outputs\":"); w.array(outputs)
        w.raw(",\"recent\":"); w.array(recent)
        w.raw(",\"sources\":"); w.array(sources)
        w.raw(",\"streams\":"); w.array(streams)
        w.raw(",\"tagline\":"); w.string(tagline)
        w.raw(",\"timezone\":"); w.string(timezone)
        w.raw("}")
    }
}

extension NowState: StateJSONEncodable {
    /// The now state's JSON.
    public func writeJSON(to w: inout StateJSONWriter) {
        w.raw("{\"program\":"); w.value(program)
        w.raw(",\"song\":"); w.value(song)
        w.raw(",\"text\":"); w.string(text)
        w.raw("}")
    }
}

extension ProgramValue: StateJSONEncodable {
    /// The program's JSON.
    public func writeJSON(to w: inout StateJSONWriter) {
        w.raw("{\"end\":"); w.date(end)
        w.raw(",\"hosts\":"); w.array(hosts)
        w.raw(",\"name\":"); w.string(name)
        w.raw(",\"seenAt\":"); w.date(seenAt)
        w.raw(",\"source\":"); w.string(source)
        w.raw(",\"start\":"); w.date(start)
        w.raw("}")
    }
}

extension SongValue: StateJSONEncodable {
    /// The song's JSON.
    public func writeJSON(to w: inout StateJSONWriter) {
        w.raw("{\"album\":"); w.string(album)
        w.raw(",\"artist\":"); w.string(artist)
        w.raw(",\"composer\":"); w.string(composer)
        w.raw(",\"duration\":"); w.double(duration)
        w.raw(",\"seenAt\":"); w.date(seenAt)
        w.raw(",\"source\":"); w.string(source)
        w.raw(",\"start\":"); w.date(start)
        w.raw(",\"title\":"); w.string(title)
        w.raw("}")
    }
}

extension StreamStatus: StateJSONEncodable {
    /// The stream's JSON.
    public func writeJSON(to w: inout StateJSONWriter) {
        w.raw("{\"audio\":"); w.value(audio)
        w.raw(",\"bitrate\":"); w.int(bitrate)
        w.raw(",\"checkedAt\":"); w.date(checkedAt)
        w.raw(",\"contentType\":"); w.string(contentType)
        w.raw(",\"error\":"); w.value(error)
        w.raw(",\"id\":"); w.string(id)
        w.raw(",\"mode\":"); w.string(mode)
        w.raw(",\"name\":"); w.string(name)
        w.raw(",\"reconnects\":"); w.int(reconnects)
        w.raw(",\"since\":"); w.date(since)
        w.raw(",\"status\":"); w.string(status.rawValue)
        w.raw(",\"url\":"); w.string(url)
        w.raw("}")
    }
}

extension SourceStatus: StateJSONEncodable {
    /// The source's JSON.
    public func writeJSON(to w: inout StateJSONWriter) {
        w.raw("{\"checkedAt\":"); w.date(checkedAt)
        w.raw(",\"error\":"); w.value(error)
        w.raw(",\"kind\":"); w.string(kind)
        w.raw(",\"okAt\":"); w.date(okAt)
        w.raw(",\"status\":"); w.string(status.rawValue)
        w.raw(",\"url\":"); w.string(url)
        w.raw("}")
    }
}

extension ErrorValue: StateJSONEncodable {
    /// The error's JSON.
    public func writeJSON(to w: inout StateJSONWriter) {
        w.raw("{\"at\":"); w.date(at)
        w.raw(",\"httpStatus\":"); w.int(httpStatus)
        w.raw(",\"kind\":"); w.string(kind)
        w.raw(",\"message\":"); w.string(message)
        w.raw("}")
    }
}

extension NowAnswer: StateJSONEncodable {
    /// The `/v1/now` answer's JSON.
    public func writeJSON(to w: inout StateJSONWriter) {
        w.raw("{\"elapsed\":"); w.int(elapsed)
        w.raw(",\"next\":"); w.value(next)
        w.raw(",\"program\":"); w.value(program)
        w.raw(",\"remaining\":"); w.int(remaining)
        w.raw(",\"song\":"); w.value(song)
        w.raw(",\"stale\":"); w.bool(stale)
        w.raw(",\"station\":"); w.string(station)
        w.raw(",\"text\":"); w.string(text)
        w.raw("}")
    }
}

extension NextAnswer: StateJSONEncodable {
    /// The `/v1/next` answer's JSON.
    public func writeJSON(to w: inout StateJSONWriter) {
        w.raw("{\"next\":"); w.array(next)
        w.raw(",\"stale\":"); w.bool(stale)
        w.raw(",\"station\":"); w.string(station)
        w.raw("}")
    }
}

extension StationSummary: StateJSONEncodable {
    /// The `/v1/stations` row's JSON.
    public func writeJSON(to w: inout StateJSONWriter) {
        w.raw("{\"id\":"); w.string(id)
        w.raw(",\"name\":"); w.string(name)
        w.raw(",\"onAir\":"); w.bool(onAir)
        w.raw(",\"tagline\":"); w.string(tagline)
        w.raw("}")
    }
}

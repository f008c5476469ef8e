/// The studio screen page served on `GET /screen` (and `GET /` on the TCP listener): one
/// self-contained HTML file, no external assets, live over `/v1/events` with EventSource.
/// A placeholder: the kiosk page replaces it.
public enum ScreenPage {
    /// Only the page's own inline script and style, and event-stream requests to its origin.
    public static let contentSecurityPolicy =
        "default-src 'none'; connect-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'"

    /// The page.
    public static let html = #"""
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>streamd</title>
    <style>
    body { margin: 0; font-family: system-ui, sans-serif; background: #111; color: #eee; }
    main { padding: 4vh 5vw; }
    h1 { font-size: 6vh; margin: 0 0 1vh; }
    .label { color: #999; font-size: 2.5vh; text-transform: uppercase; letter-spacing: .1em; margin-top: 4vh; }
    .value { font-size: 5vh; }
    #status { position: fixed; bottom: 2vh; right: 3vw; color: #888; font-size: 2vh; }
    .stale .value { color: #c90; }
    .off { color: #e55; }
    </style>
    </head>
    <body>
    <main id="screen">
    <h1 id="station">streamd</h1>
    <div id="onair" class="label"></div>
    <div class="label">Now</div><div id="program" class="value">—</div>
    <div class="label">Song</div><div id="song" class="value">—</div>
    <div class="label">Next up</div><div id="next" class="value">—</div>
    </main>
    <div id="status">connecting…</div>
    <script>
    "use strict";
    let doc = null;
    const $ = (id) => document.getElementById(id);
    const time = (iso) => iso ? new Date(iso).toLocaleTimeString([], {hour: "numeric", minute: "2-digit"}) : "";
    function render() {
      if (!doc) return;
      const s = doc.stations.find((x) => x.id === doc.live) || doc.stations[0];
      if (!s) { $("station").textContent = "no stations"; return; }
      const stale = doc.stale || s.sources.some((x) => x.status === "stale");
      $("screen").className = stale ? "stale" : "";
      $("station").textContent = s.name + (s.tagline ? " · " + s.tagline : "");
      $("onair").textContent = s.onAir ? "On air" : "Off air";
      $("onair").className = s.onAir ? "label" : "label off";
      const p = s.now.program;
      $("program").textContent = p ? p.name + (p.end ? " (until " + time(p.end) + ")" : "") : s.now.text;
      const g = s.now.song;
      $("song").textContent = g ? (g.artist ? g.artist + " – " : "") + g.title : "—";
      const n = s.next.find((x) => !x.end || new Date(x.end) > new Date());
      $("next").textContent = n ? (n.start ? time(n.start) + "  " : "") + n.name : "—";
    }
    const events = new EventSource("/v1/events");
    events.addEventListener("snapshot", (e) => { doc = JSON.parse(e.data); render(); });
    events.addEventListener("station", (e) => {
      const s = JSON.parse(e.data);
      if (!doc) return;
      const i = doc.stations.findIndex((x) => x.id === s.id);
      if (i >= 0) doc.stations[i] = s; else doc.stations.push(s);
      doc.sequence = Number(e.lastEventId);
      render();
    });
    events.onopen = () => { $("status").textContent = "live"; };
    events.onerror = () => { $("status").textContent = "reconnecting…"; };
    </script>
    </body>
    </html>
    """#
}

/// The studio screen page served on `GET /screen` (and `GET /` on the TCP listener): one
/// self-contained HTML file (inline style and script, system fonts, no external assets, so it
/// works with no network), live over `/v1/events` with EventSource.
///
/// It shows what `streamd screen` shows: a large clock in the station's time zone (a
/// placeholder until the station, and so its zone, is known), the station, ON AIR / OFF AIR
/// (off the air, a full-width red banner and a red frame), the program with a progress bar,
/// "elapsed / total" and the time remaining (computed here every second from `start`/`end`),
/// or "No program information", the song, Next Up, the other stations, and every stale or
/// failing source (the large type shrinks until all of them fit; none is ever hidden). In the
/// last five minutes the progress turns amber; in the last minute the page turns red with a
/// countdown and what comes next. "in 2 min" follows the same rule as `streamd screen`
/// (`ScreenModel.untilText`). The status badge says whether the page is connected to streamd
/// ("streamd connected" / "streamd disconnected · reconnecting…"); when the daemon goes away
/// it keeps the last state (the clock and countdown keep running) and resumes by itself.
/// Under the alerts, a 24-hour uptime strip for each of the station's first three streams
/// (`#uptime`): the 1,440 minutes of `/v1/streams/{station}/{stream}/history` as an inline SVG,
/// green up, magenta dead air, amber stalled, red down, dark grey unknown (a run of bad minutes
/// is drawn at least ten minutes wide, so one down minute is seen across the room), with a
/// caption ("24 h · 99.95 % up · 12 s dead air · 30 s down"); fetched on load, on a change of
/// station or streams, soon after a shown stream changes condition (at most every 5 s), on
/// reconnecting and every 60 s; a stream whose history cannot be had (404 from an older
/// daemon, an error) has no strip.
/// `?station=ID` shows another station than the live one. Stable element ids: `#station`,
/// `#onair`, `#offair-banner`, `#clock`, `#program`, `#progress`, `#elapsed`, `#remaining`,
/// `#song`, `#next`, `#others`, `#alerts`, `#uptime`, `#status`.
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
    <meta name="color-scheme" content="dark">
    <title>streamd studio screen</title>
    <style>
    :root {
      --bg: #000; --fg: #fff; --muted: #b8b8b8; --line: #333;
      --green: #2ee66b; --amber: #ffc400; --red: #ff2d2d; --onair: #e00000; --magenta: #ff4dff;
      /* 1rem is 2.2% of the height on a 16:9 screen (about 24 px at 1920x1080), never under 12 px. */
      font-size: clamp(12px, min(1.15vw, 2.05vh), 48px);
      /* Shrunk by fit() (1 down to .3) when the page would not fit the screen, e.g. many alerts. */
      --fit: 1;
    }
    * { box-sizing: border-box; }
    html, body { margin: 0; height: 100%; background: var(--bg); color: var(--fg); }
    body {
      font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", "Liberation Sans", Arial, sans-serif;
      font-variant-numeric: tabular-nums; line-height: 1.15; overflow: hidden;
    }
    main { display: flex; flex-direction: column; height: 100vh; padding: 1.4rem 2.4rem 1rem; gap: calc(1rem * var(--fit)); overflow: hidden; }
    main > * { flex-shrink: 0; }
    header { display: flex; align-items: center; gap: 2rem; }
    #station-block { flex: 1; min-width: 0; }
    #station { font-size: calc(3rem * max(var(--fit), .6)); font-weight: 800; margin: 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    #tagline { font-size: 1.5rem; color: var(--muted); margin-top: .2rem; }
    #onair {
      font-size: 2.4rem; font-weight: 900; letter-spacing: .08em; padding: .35em .8em; border-radius: .3em;
      border: .12em solid #555; color: #777; white-space: nowrap;
    }
    #onair.on { background: var(--onair); border-color: var(--onair); color: #fff; box-shadow: 0 0 1.2rem rgba(255, 0, 0, .55); }
    #onair.off { background: #fff; color: var(--red); border-color: var(--red); }
    #offair-banner { background: var(--red); color: #fff; font-size: calc(3.2rem * max(var(--fit), .6)); font-weight: 900;
                     letter-spacing: .08em; text-align: center; padding: .15em .5em; border-radius: .3rem;
                     white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    #offair-banner[hidden] { display: none; }
    main.off-air { box-shadow: inset 0 0 0 .6rem var(--red); }
    #clock-block { text-align: right; }
    #clock { font-size: calc(6.5rem * max(var(--fit), .5)); font-weight: 700; letter-spacing: .02em; line-height: 1; }
    #date { font-size: 1.3rem; color: var(--muted); margin-top: .3rem; }
    .label { font-size: 1.2rem; font-weight: 700; letter-spacing: .18em; text-transform: uppercase; color: #7fd7ff; }
    #now { flex: 1 0 auto; display: flex; flex-direction: column; justify-content: center; gap: calc(.7rem * var(--fit));
           border-top: 2px solid var(--line); border-bottom: 2px solid var(--line); padding: calc(1rem * var(--fit)) 0; }
    #now > * { flex-shrink: 0; }
    #program { font-size: clamp(1.6rem, calc(5.2rem * var(--fit)), 12vw); font-weight: 800; line-height: 1.1; overflow-wrap: anywhere;
               display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; }
    #program.none { color: var(--muted); font-weight: 600; font-size: calc(3.4rem * var(--fit)); }
    #hosts { font-size: calc(1.8rem * max(var(--fit), .6)); color: var(--muted); }
    #progress { position: relative; height: calc(2.2rem * max(var(--fit), .5)); background: #262626; border: 2px solid #555; border-radius: .4rem; overflow: hidden; }
    #progress .fill { position: absolute; inset: 0 auto 0 0; width: 0; background: var(--green); }
    #times { display: flex; justify-content: space-between; align-items: center; gap: 2rem; }
    #elapsed { font-size: calc(2.6rem * max(var(--fit), .5)); font-weight: 600; white-space: nowrap; }
    #remaining { font-size: calc(4.2rem * max(var(--fit), .4)); font-weight: 800; white-space: nowrap; }
    #remaining small { font-size: .5em; font-weight: 600; color: var(--muted); margin-left: .3em; }
    #banner { visibility: hidden; flex: 1; min-width: 0; font-size: 2.4rem; font-weight: 900; padding: .2em .6em; border-radius: .3rem;
              text-align: center; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; line-height: 1.1; }
    #banner .sub { display: block; font-size: .6em; font-weight: 700; overflow: hidden; text-overflow: ellipsis; }
    .last-minute #next .sub { color: var(--red); font-weight: 800; }
    .ending #progress .fill { background: var(--amber); }
    .ending #remaining { color: var(--amber); }
    .last-minute #progress .fill, .over #progress .fill { background: var(--red); }
    .last-minute #remaining, .over #remaining { color: var(--red); }
    .last-minute #remaining { font-size: calc(5.2rem * max(var(--fit), .4)); }
    .last-minute #banner { visibility: visible; background: var(--red); color: #fff; }
    .last-minute #now { border-color: var(--red); }
    #lower { display: grid; grid-template-columns: 9rem 1fr; gap: calc(.7rem * var(--fit)) 1.5rem; align-items: baseline; }
    #song, #next { font-size: calc(2.6rem * max(var(--fit), .5)); font-weight: 700; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    #song .sub, #next .sub { font-weight: 400; color: var(--muted); font-size: .7em; margin-left: .6em; }
    #song.none { color: #777; font-weight: 400; }
    .stale-mark { color: var(--amber); font-size: .55em; font-weight: 700; margin-left: .6em; letter-spacing: .08em; }
    #others { display: flex; flex-wrap: wrap; gap: .4rem 2.4rem; font-size: 1.5rem; }
    #others:empty { display: none; }
    .other .dot { font-size: .9em; margin-right: .4em; }
    .other.on .dot { color: var(--green); }
    .other.off .dot, .other.off .air { color: var(--red); }
    .other .name { font-weight: 700; margin-right: .6em; }
    .other .text { color: var(--muted); }
    /* Every alert is shown: no height limit here; fit() makes room by shrinking the large type. */
    #alerts { list-style: none; margin: 0; padding: 0; font-size: calc(1.4rem * max(var(--fit), .75)); font-weight: 600; }
    #alerts.many { columns: 2; column-gap: 2.4rem; }
    #alerts li { margin: .2rem 0; break-inside: avoid; }
    #alerts li.warning { color: var(--amber); }
    #alerts li.error { color: var(--red); }
    #alerts li::before { content: "! "; }
    /* The uptime strips: name, the day's minutes, caption; one row a stream. */
    #uptime { display: grid; grid-template-columns: auto minmax(0, 1fr) auto; gap: calc(.35rem * var(--fit)) 1.2rem; align-items: center;
              font-size: calc(1.3rem * max(var(--fit), .6)); }
    #uptime:empty { display: none; }
    #uptime .strip { display: contents; }
    #uptime .name { font-weight: 700; white-space: nowrap; }
    #uptime .caption { color: var(--muted); white-space: nowrap; }
    #uptime svg { display: block; width: 100%; height: 1.3em; background: #1a1a1a; }
    #uptime .u { fill: var(--green); }
    #uptime .s { fill: var(--magenta); }
    #uptime .t { fill: var(--amber); }
    #uptime .d { fill: var(--red); }
    #uptime .x { fill: #3a3a3a; }
    footer { display: flex; justify-content: space-between; align-items: center; font-size: 1.1rem; color: #888; }
    #status { font-weight: 800; padding: .25em .8em; border-radius: 1em; border: 2px solid #555; }
    #status.connected { color: var(--green); border-color: var(--green); }
    #status.away { color: #000; background: var(--amber); border-color: var(--amber); font-size: 1.8rem; }
    .away #now, .away #lower { opacity: .75; }
    .away #onair { opacity: .45; }
    @media (max-aspect-ratio: 4/3) {
      header { flex-wrap: wrap; gap: 1rem 2rem; }
      #station-block { flex-basis: 100%; }
      /* On a phone the page scrolls: the banner and the alerts come right under the header. */
      header { order: -3; }
      #offair-banner { order: -2; white-space: normal; }
      #alerts { order: -1; }
      #alerts.many { columns: auto; }
      #uptime { grid-template-columns: auto minmax(0, 1fr); }
      #uptime .caption { grid-column: 1 / -1; white-space: normal; margin-bottom: .4rem; }
      #clock-block { text-align: left; }
      #clock { font-size: min(6.5rem, 16vw); }
      #program { font-size: 3rem; }
      #elapsed { font-size: 1.8rem; }
      #remaining { font-size: 2.6rem; }
      .last-minute #remaining { font-size: 3.4rem; }
      #times { flex-wrap: wrap; }
      #banner { font-size: 1.6rem; order: 3; flex-basis: 100%; display: none; }
      .last-minute #banner { display: block; }
      #song, #next { white-space: normal; font-size: 1.8rem; }
      #lower { grid-template-columns: 1fr; }
      body { overflow: auto; }
      main { height: auto; min-height: 100vh; overflow: visible; }
      #now { flex: none; }
    }
    </style>
    </head>
    <body>
    <main id="screen">
      <header>
        <div id="station-block"><h1 id="station">streamd</h1><div id="tagline"></div></div>
        <div id="onair" role="status">…</div>
        <div id="clock-block"><div id="clock">--:--:--</div><div id="date"></div></div>
      </header>
      <div id="offair-banner" role="alert" hidden></div>
      <section id="now">
        <div class="label">On now</div>
        <div id="program">—</div>
        <div id="hosts"></div>
        <div id="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100"><div class="fill"></div></div>
        <div id="times"><div id="elapsed"></div><div id="banner"></div><div id="remaining"></div></div>
      </section>
      <section id="lower">
        <div class="label">Song</div><div id="song" class="none">—</div>
        <div class="label">Next up</div><div id="next">—</div>
      </section>
      <div id="others"></div>
      <ul id="alerts"></ul>
      <section id="uptime" aria-label="the last 24 hours of each stream"></section>
      <template id="strip"><div class="strip"><span class="name"></span><svg preserveAspectRatio="none" shape-rendering="crispEdges"></svg><span class="caption"></span></div></template>
      <footer><span id="status" class="away">connecting…</span><span id="meta">streamd</span></footer>
    </main>
    <script>
    "use strict";
    const params = new URLSearchParams(location.search);
    const wanted = params.get("station");
    const $ = (id) => document.getElementById(id);
    let doc = null, connected = false, awaySince = null, source = null;

    function text(el, value) { if (el.textContent !== value) el.textContent = value; }
    function clock(seconds) {
      const s = Math.max(0, seconds), h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, r = s % 60;
      return h > 0 ? h + ":" + String(m).padStart(2, "0") + ":" + String(r).padStart(2, "0") : m + ":" + String(r).padStart(2, "0");
    }
    // The one rounding rule for times still to come, the same as ScreenModel.untilText in
    // `streamd screen`: whole seconds (rounded up from the instant, as the time left is),
    // minutes rounded down, so "2:09 left" goes with "in 2 min"; "" at 0 or less and from an hour on.
    function until(seconds) {
      if (seconds <= 0 || seconds >= 3600) return "";
      return seconds < 60 ? "in " + seconds + " s" : "in " + Math.floor(seconds / 60) + " min";
    }
    function zoned(zone, options) {
      try { return new Intl.DateTimeFormat("en-US", Object.assign({timeZone: zone}, options)); }
      catch (e) { return new Intl.DateTimeFormat("en-US", options); }
    }
    const hm = {hour: "2-digit", minute: "2-digit", hourCycle: "h23"};
    const hms = {hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23"};
    function span(cls, value) { const s = document.createElement("span"); s.className = cls; s.textContent = value; return s; }
    function station() {
      if (!doc) return null;
      if (wanted) return doc.stations.find((x) => x.id === wanted) || null;
      return doc.stations.find((x) => x.id === doc.live) || doc.stations[0] || null;
    }

    function render() {
      const now = new Date();
      const s = station();
      const zone = s ? s.timezone : undefined;
      // Never the machine's time as if it were the station's: a placeholder until the station's zone is known.
      text($("clock"), s ? zoned(zone, hms).format(now) : "--:--:--");
      text($("date"), s ? zoned(zone, {weekday: "long", month: "long", day: "numeric"}).format(now) : "");
      // Whether this page is connected to streamd; never "live", which a studio reads as "on air".
      const status = $("status");
      if (connected) { status.className = "connected"; text(status, "\u25cf streamd connected"); }
      else if (doc) { status.className = "away"; text(status, "streamd disconnected \u00b7 reconnecting\u2026" + (s ? " (since " + zoned(zone, hms).format(awaySince || now) + ")" : "")); }
      else { status.className = "away"; text(status, "connecting to streamd\u2026"); }
      document.body.classList.toggle("away", !connected);
      text($("meta"), "streamd" + (doc ? " · #" + doc.sequence : ""));
      if (!doc) return fit();
      if (!s) { text($("station"), wanted ? "No station \u201c" + wanted + "\u201d" : "No stations"); return fit(); }
      const time = (iso) => iso ? zoned(zone, hm).format(new Date(iso)) : "";
      const staleKinds = new Set(s.sources.filter((x) => x.status === "stale").map((x) => x.kind));
      const isStale = (value) => doc.stale || staleKinds.has(value.source);

      text($("station"), s.name);
      text($("tagline"), s.tagline || "");
      const air = $("onair");
      air.className = s.onAir ? "on" : "off";
      text(air, s.onAir ? "ON AIR" : "OFF AIR");
      // OFF AIR, or on the air with a stream silent for its `after`: DEAD AIR, the same banner.
      const offBanner = $("offair-banner");
      const silent = s.streams.find((x) => x.audio && x.audio.silentSince);
      offBanner.hidden = s.onAir && !silent;
      text(offBanner, !s.onAir ? "OFF AIR \u00b7 " + s.name + " is not on the air"
        : silent ? "DEAD AIR \u00b7 stream " + silent.id + " silent since " + zoned(zone, hms).format(new Date(silent.audio.silentSince)) : "");

      // The program, its progress and the time remaining, computed here every second.
      const p = s.now.program;
      let phase = "none";
      const programEl = $("program");
      // Never the station's name in the program's place: with no program, say so.
      programEl.className = p ? "" : "none";
      programEl.replaceChildren(p ? p.name : "No program information");
      if (p && isStale(p)) programEl.append(span("stale-mark", "STALE"));
      const details = [];
      if (p && p.hosts.length) details.push("with " + p.hosts.join(", "));
      if (p && p.start && p.end) details.push(time(p.start) + "\u2013" + time(p.end));
      text($("hosts"), details.join("  \u00b7  "));
      const fill = $("progress").firstElementChild;
      if (p && p.start && p.end && new Date(p.end) > new Date(p.start)) {
        const start = new Date(p.start).getTime(), end = new Date(p.end).getTime();
        const total = (end - start) / 1000;
        const into = Math.min(Math.max((now.getTime() - start) / 1000, 0), total);
        const remaining = Math.ceil(total - into);
        phase = remaining <= 0 ? "over" : remaining <= 60 ? "last-minute" : remaining <= 300 ? "ending" : "normal";
        const percent = (100 * into / total).toFixed(2);
        fill.style.width = percent + "%";
        $("progress").setAttribute("aria-valuenow", percent);
        $("progress").style.visibility = "visible";
        text($("elapsed"), clock(Math.floor(into)) + " / " + clock(Math.round(total)));
        const rem = $("remaining"), left = document.createElement("small");
        left.textContent = "left";
        if (phase === "over") rem.replaceChildren("ended");
        else rem.replaceChildren((phase === "last-minute" ? "\u2212" : "") + clock(remaining), left);
      } else {
        $("progress").style.visibility = "hidden";
        text($("elapsed"), "");
        text($("remaining"), "");
      }
      const n = s.next.find((x) => (!x.end || new Date(x.end) > now) && (!x.start || new Date(x.start) > new Date(now.getTime() - 1000)));
      const bannerEl = $("banner");
      if (phase !== "last-minute") text(bannerEl, "");
      else if (bannerEl.textContent !== "LAST MINUTE" + (n ? "next: " + n.name : "")) {
        bannerEl.replaceChildren("LAST MINUTE");
        if (n) bannerEl.append(span("sub", "next: " + n.name));
      }
      const main = $("screen");
      for (const c of ["normal", "ending", "last-minute", "over"]) main.classList.toggle(c, c === phase);
      main.classList.toggle("off-air", !s.onAir || !!silent);

      // The song, or nothing: no song is ever invented.
      const g = s.now.song, songEl = $("song");
      if (g) {
        songEl.className = "";
        songEl.replaceChildren((g.artist ? g.artist + " \u2013 " : "") + g.title);
        if (g.composer && g.composer !== g.artist) songEl.append(span("sub", "Composer: " + g.composer));
        if (g.album) songEl.append(span("sub", g.album));
        if (g.start && g.duration) {
          const el = Math.min(Math.max(0, Math.floor((now - new Date(g.start)) / 1000)), Math.round(g.duration));
          songEl.append(span("sub", clock(el) + " / " + clock(Math.round(g.duration))));
        }
        if (isStale(g)) songEl.append(span("stale-mark", "STALE"));
      } else {
        songEl.className = "none";
        text(songEl, "\u2014");
      }

      const nextEl = $("next");
      if (n) {
        nextEl.replaceChildren((n.start ? time(n.start) + "  " : "") + n.name);
        const parts = [];
        if (n.start) {
          const inS = until(Math.ceil((new Date(n.start) - now) / 1000));
          if (inS) parts.push(inS);
        }
        if (n.hosts.length) parts.push("with " + n.hosts.join(", "));
        if (parts.length) nextEl.append(span("sub", parts.join("  \u00b7  ")));
      } else {
        text(nextEl, "\u2014");
      }

      // The other stations, compact.
      const others = doc.stations.filter((x) => x.id !== s.id).map((o) => {
        const trouble = o.streams.some((x) => x.status === "down" || x.status === "stalled")
          || o.sources.some((x) => x.status === "stale" || x.status === "error");
        const el = document.createElement("div");
        el.className = "other " + (o.onAir ? "on" : "off");
        el.dataset.station = o.id;
        const problem = problems(o, false)[0];
        const line = o.now.text && o.now.text !== o.name ? o.now.text : (problem ? problem[1] : "");
        el.append(span("dot", o.onAir ? "\u25cf" : "\u25cb"), span("name", o.name),
                  span("air", o.onAir ? "" : "OFF AIR  "), span("text", (trouble ? "! " : "") + line));
        return el;
      });
      const othersEl = $("others");
      if (othersEl.textContent !== others.map((x) => x.textContent).join("")) othersEl.replaceChildren(...others);

      // Stale and failing sources and streams.
      const alerts = problems(s);
      const alertsEl = $("alerts");
      if (alertsEl.textContent !== alerts.map((a) => a[1]).join("")) {
        alertsEl.replaceChildren(...alerts.map(([level, message]) => { const li = document.createElement("li"); li.className = level; li.textContent = message; return li; }));
      }
      alertsEl.classList.toggle("many", alerts.length > 4);
      // The uptime strips: fetched again at once when the station or its first streams change,
      // and soon (at most every 5 s) when one of them changes condition.
      const shown = s.streams.slice(0, 3);
      const streams = shown.map((x) => x.id);
      const conditions = shown.map((x) => x.status + (x.audio && x.audio.silentSince ? "/silent" : "")).join(",");
      if (s.id + "/" + streams.join(",") !== historyKey) loadHistory(s.id, streams, conditions);
      else if (conditions !== historyConditions && Date.now() - historyAt >= 5000) loadHistory(s.id, streams, conditions);
      fit();
    }

    // The uptime strips, one a shown stream whose history could be had, in their order.
    // historyKey: "station/stream,stream" last asked for; historyConditions: their conditions then.
    let historyKey = "", historyRound = 0, historyStation = "", historyStreams = [], historyConditions = "", historyAt = 0;
    async function loadHistory(stationId, streams, conditions) {
      historyKey = stationId + "/" + streams.join(",");
      historyStation = stationId;
      historyStreams = streams;
      historyConditions = conditions;
      historyAt = Date.now();
      const round = ++historyRound, key = historyKey;
      const answers = await Promise.all(streams.map(async (id) => {
        try {
          const r = await fetch("/v1/streams/" + encodeURIComponent(stationId) + "/" + encodeURIComponent(id) + "/history", {cache: "no-store"});
          if (!r.ok) return null;
          const h = await r.json();
          return typeof h.minutes === "string" && h.seconds ? h : null;
        } catch (e) { return null; }
      }));
      if (round !== historyRound || key !== historyKey) return;  // a newer request overtook this one
      drawStrips(answers.filter((h) => h));
    }
    function reloadHistory() { if (historyKey) loadHistory(historyStation, historyStreams, historyConditions); }
    // "99.95 % up": two decimals, "100 % up" only when nothing but up is known (as streamd screen).
    function uptimeText(uptime) {
      if (uptime === null || uptime === undefined) return "no data";
      if (uptime >= 1) return "100 % up";
      const h = Math.min(9999, Math.max(0, Math.round(uptime * 10000)));
      return Math.floor(h / 100) + "." + String(h % 100).padStart(2, "0") + " % up";
    }
    // 12 s, 4 min 10 s, 2 h 5 min: the two largest units.
    function duration(seconds) {
      const h = Math.floor(seconds / 3600), m = Math.floor(seconds / 60) % 60, s = seconds % 60;
      if (h > 0) return h + " h" + (m ? " " + m + " min" : "");
      if (m > 0) return m + " min" + (s ? " " + s + " s" : "");
      return s + " s";
    }
    function drawStrips(answers) {
      const strips = answers.map((h) => {
        // From the #strip template, whose <svg> the parser made an SVG element.
        const el = $("strip").content.firstElementChild.cloneNode(true);
        el.dataset.stream = h.stream;
        const svg = el.querySelector("svg");
        svg.setAttribute("viewBox", "0 0 " + Math.max(1, h.minutes.length) + " 1");
        // One rect a run of equal minutes; the bad runs last (on top), at least 10 minutes wide (about 4 px on a 1280 px screen).
        const runs = [];
        for (let i = 0; i < h.minutes.length;) {
          let j = i;
          while (j < h.minutes.length && h.minutes[j] === h.minutes[i]) j++;
          runs.push([h.minutes[i], i, j - i]);
          i = j;
        }
        const bad = (letter) => letter === "d" || letter === "t" || letter === "s";
        for (const [letter, start, length] of runs.filter((r) => !bad(r[0])).concat(runs.filter((r) => bad(r[0])))) {
          const rect = document.createElementNS(svg.namespaceURI, "rect");
          const width = bad(letter) ? Math.max(length, 10) : length;
          rect.setAttribute("class", "ustd".includes(letter) ? letter : "x");
          rect.setAttribute("x", Math.max(0, Math.min(start, h.minutes.length - width)));
          rect.setAttribute("width", width);
          rect.setAttribute("height", 1);
          rect.dataset.start = start;
          rect.dataset.minutes = length;
          svg.append(rect);
        }
        const parts = ["24 h", uptimeText(h.uptime)];
        if (h.seconds.silent) parts.push(duration(h.seconds.silent) + " dead air");
        if (h.seconds.stalled) parts.push(duration(h.seconds.stalled) + " stalled");
        if (h.seconds.down) parts.push(duration(h.seconds.down) + " down");
        el.querySelector(".name").textContent = h.stream;
        el.querySelector(".caption").textContent = parts.join(" \u00b7 ");
        return el;
      });
      $("uptime").replaceChildren(...strips);
      fit();
    }

    // Everything on one screen, every alert included: when the page is taller than the
    // viewport, the large type shrinks step by step (--fit) until it fits. Only when what is
    // shown or the viewport changes.
    let fitKey = "";
    function fit() {
      const main = $("screen");
      // Not the song's or next's running times (they change every second, the layout does not).
      const first = (id) => { const e = $(id).firstChild; return e ? e.textContent : ""; };
      const key = innerWidth + "x" + innerHeight + "|" + main.className + "|" + first("song") + "|" + first("next") + "|"
        + ["station", "offair-banner", "program", "hosts", "others", "alerts", "uptime"].map((id) => $(id).textContent).join("|");
      if (key === fitKey) return;
      fitKey = key;
      let k = 1;
      main.style.setProperty("--fit", k);
      while (main.scrollHeight > main.clientHeight + 1 && k > 0.3) {
        k = Math.round(k * 100 - 5) / 100;
        main.style.setProperty("--fit", k);
      }
    }

    // [level, text] for each stale or failing stream or source of a station (and a stale document).
    function problems(s, whole = true) {
      const zone = s.timezone;
      const alerts = [];
      if (whole && doc.stale) alerts.push(["warning", "state not refreshed since the daemon started"]);
      for (const x of s.streams) {
        const err = x.error ? " (" + x.error.kind + ": " + x.error.message + ")" : "";
        if (x.status === "down") alerts.push(["error", "stream " + x.id + " down" + err]);
        else if (x.status === "stalled") alerts.push(["error", "stream " + x.id + " stalled" + err]);
        else if (x.status === "pending") alerts.push(["warning", "stream " + x.id + " connecting"]);
      }
      for (const x of s.sources) {
        const err = x.error ? " (" + x.error.kind + ": " + x.error.message + ")" : "";
        if (x.status === "stale") alerts.push(["warning", "source " + x.kind + " stale: no answer" + (x.okAt ? " since " + zoned(zone, hms).format(new Date(x.okAt)) : "") + err]);
        else if (x.status === "error") alerts.push(["error", "source " + x.kind + " failing" + err]);
      }
      return alerts;
    }

    function apply(event, data, id) {
      if (event === "snapshot") doc = data;
      else if (event === "station" && doc) {
        const i = doc.stations.findIndex((x) => x.id === data.id);
        if (i >= 0) doc.stations[i] = data; else doc.stations.push(data);
        if (id) doc.sequence = Number(id);
      }
      render();
    }

    function connect() {
      source = new EventSource("/v1/events");
      source.addEventListener("snapshot", (e) => apply("snapshot", JSON.parse(e.data), e.lastEventId));
      source.addEventListener("station", (e) => apply("station", JSON.parse(e.data), e.lastEventId));
      source.onopen = () => { connected = true; awaySince = null; render(); reloadHistory(); };
      source.onerror = () => {
        if (connected || !awaySince) awaySince = new Date();
        connected = false;
        render();
        // EventSource retries by itself; if the browser gave up (an HTTP error), start again.
        if (source.readyState === EventSource.CLOSED) { source.close(); setTimeout(connect, 3000); }
      };
    }

    function tick() { render(); setTimeout(tick, 1000 - (Date.now() % 1000) + 5); }
    addEventListener("resize", render);
    setInterval(reloadHistory, 60000);
    connect();
    tick();
    </script>
    </body>
    </html>
    """#
}

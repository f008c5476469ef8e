import Foundation

/// The command language of an RDS encoder's ASCII port (an `rds` output's `dialect`).
///
/// All three set the RadioText with a `NAME=value` line; they differ in the command name, the line
/// terminator, RT+ and the replies. None needs the A/B flag from us: each encoder flips it itself on
/// every new RadioText (Pira: `RTTYPE`; MiniRDS: "updates to RT automatically toggle this flag"), so a
/// text should be sent only when it changed.
public enum RDSDialect: String, Sendable, CaseIterable {
    /// Pira.cz P132/P232/P332/PIRA32 and their clones (FMUSER RDS-C, the open MiniRDS/rds95 "pira.cz
    /// ASCII format"): `RT1=<text>` and `RTP=tt,ss,ll,tt,ss,ll`, each ended by CR; replies `+` (done),
    /// `!` (unknown command), `-` (invalid argument), `/` (done in part).
    /// Sources: P132/P232U quick installation guides §5.2.2–5.2.4 (pira.cz; "Terminating character:
    /// <CR>. <CR><LF> accepted as well", `TEXT=` is a compatibility alias of `RT1=`); FMUSER RDS-C
    /// manual §10.3 (replies) and its `RTP`/`RTPRUN` entries (a copy of the Pira technical manual).
    case pira
    /// Inovonics 713/730/732 (and Nautel VS's and DEVA's `TEXT=` consoles): `TEXT=<text>` and
    /// `RTP=tt,ss,ll,tt,ss,ll`, each ended by CR LF; replies `OK` or `NO`.
    /// Sources: Inovonics 730 manual (Rev. 3, 2010), "Encoder commands and prompts" and "RT+ tags";
    /// Rivendell `apis/pypad/scripts/pypad_inno713.py`; Roman-Port/File2RtPlus `InovonicsEncoder.cs`;
    /// the Perl `Radio::RDS::Inovonics730` module on GitHub and its encoder emulator test.
    case inovonics
    /// Nautel VS/GV/NV exciters, "ASCII over IP": `TEXT=<text>` ended by CR LF, no RT+ (none
    /// documented for the ASCII port). Sources: Rivendell `apis/pypad/scripts/pypad_nautel.py` and its
    /// exemplar ("Nautel VS transmitters as RDS in ASCII TCP mode", `DPS=`/`TEXT=`/`PS=` + `\r\n`);
    /// Nautel VS1 manual p. 2-61 ("The data format is XX=yyyy").
    case nautel
}

/// The RT+ tags of a RadioText: where the artist and the title are.
public struct RDSTags: Sendable, Equatable {
    /// The artist (RT+ content type 4, `ITEM.ARTIST`), in characters of the text.
    public var artist: Range<Int>?
    /// The title (RT+ content type 1, `ITEM.TITLE`), in characters of the text.
    public var title: Range<Int>?

    /// Tags for an artist and a title at these character ranges of the text.
    public init(artist: Range<Int>? = nil, title: Range<Int>? = nil) {
        self.artist = artist
        self.title = title
    }
}

/// The commands that set an encoder's RadioText (and RT+ tags where the dialect has them). Pure.
///
/// RT+ (IEC 62106, RDS Forum RT+ specification; group 11A): two tags, each a content type (6 bits,
/// 1 `ITEM.TITLE`, 4 `ITEM.ARTIST`, 0 none), a start marker (6 bits, 0–63, 0 is the first character)
/// and a length marker that is the length *minus one* ("the number of characters following the first
/// character": 6 bits for tag 1, so 1–64 characters; 5 bits for tag 2, so 1–32). Pira's example
/// `RT1=Now playing: Novaspace – Time After Time` / `RTP=04,13,08,01,25,14` and Inovonics' "01, 13, 15"
/// for a 16-character title both count so. The encoder sets the running bit and flips the item-toggle
/// bit itself on each `RTP=` (Pira; `RTPRUN=` is "not required for common use").
public enum RDSCommands {
    /// The most characters a RadioText holds.
    public static let maxText = 64

    /// The RT+ content type of a title (`ITEM.TITLE`).
    public static let titleType = 1
    /// The RT+ content type of an artist (`ITEM.ARTIST`).
    public static let artistType = 4

    /// The lines to send for `text` (at most 64 characters, already transliterated by the caller),
    /// with RT+ tags for the artist and title when `tags` is given (their ranges in `text`, in characters)
    /// and the dialect has RT+. Each line ends with the dialect's terminator.
    ///
    /// A control character in `text` (a CR or LF would end the command early and start another) is sent
    /// as a space, and a text longer than 64 characters is cut. Where the dialect has RT+, an `RTP=` line
    /// always follows the text, all zeros when no tag fits: the tags of the previous text must not
    /// stay on this one. A tag that is empty, outside the text, starts past 63, or is longer than its
    /// slot allows is dropped; the artist takes tag 1 and the title tag 2 (Pira's order), swapped when
    /// only that makes a title longer than 32 characters fit.
    public static func lines(text: String, tags: RDSTags?, dialect: RDSDialect) -> [String] {
        let characters = Array(text.prefix(maxText)).map { $0.unicodeScalars.contains(where: isControl) ? " " : $0 }
        let body = String(characters)
        switch dialect {
        case .pira:
            return ["RT1=\(body)", "RTP=\(rtPlus(tags, count: characters.count))"].map { $0 + "\r" }
        case .inovonics:
            return ["TEXT=\(body)", "RTP=\(rtPlus(tags, count: characters.count))"].map { $0 + "\r\n" }
        case .nautel:
            return ["TEXT=\(body)\r\n"]
        }
    }

    /// Whether `reply` (one line the encoder answered, without terminator) says the command was refused.
    ///
    /// Pira refuses with `!` (unknown command) or `-` (invalid argument); `+` is done and `/` done in
    /// part. Inovonics (and DEVA) refuse with `NO`; `OK` is done. Nautel documents no replies; its
    /// console follows Inovonics', so `NO` is taken as a refusal there too. Anything else (a blank line,
    /// an echo of the command, a `HELLO` greeting) is no refusal.
    public static func isRefusal(_ reply: String, dialect: RDSDialect) -> Bool {
        let reply = reply.trimmingCharacters(in: .whitespacesAndNewlines)
        switch dialect {
        case .pira: return reply == "!" || reply == "-"
        case .inovonics, .nautel: return reply.uppercased() == "NO"
        }
    }

    /// The six markers of an `RTP=` command for `tags` in a text of `count` characters.
    static func rtPlus(_ tags: RDSTags?, count: Int) -> String {
        typealias Tag = (type: Int, range: Range<Int>)
        var first: Tag? = tags?.artist.flatMap { fits($0, count: count) ? (artistType, $0) : nil }
        var second: Tag? = tags?.title.flatMap { fits($0, count: count) ? (titleType, $0) : nil }
        // Tag 2's length marker has 5 bits: a tag longer than 32 characters can only be tag 1.
        if let title = second, title.range.count > 32 {
            if (first?.range.count ?? 0) <= 32 { swap(&first, &second) } else { second = nil }
        }
        if first == nil { swap(&first, &second) }
        return [first, second].map { tag in
            guard let tag else { return "00,00,00" }
            return [tag.type, tag.range.lowerBound, tag.range.count - 1].map(twoDigits).joined(separator: ",")
        }.joined(separator: ",")
    }

    /// Whether `range` is a tag RT+ can carry in a text of `count` characters.
    private static func fits(_ range: Range<Int>, count: Int) -> Bool {
        !range.isEmpty && range.lowerBound >= 0 && range.lowerBound <= 63 && range.upperBound <= count && range.count <= 64
    }

    private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}

import Foundation
import StreamState

extension ConfigParser {
    /// `silence = "music"`, `"talk"` or `{ threshold = "-40dB", after = "20s" }`.
    func silence(_ table: ConfigTableReader) -> SilenceSpec? {
        guard table.has("silence") else { return nil }
        if let preset = table.peekString("silence") {
            switch preset {
            case "music": return .music
            case "talk": return .talk
            default:
                table.report("silence", "expected \"music\", \"talk\" or a table { threshold = \"-40dB\", after = \"20s\" }, got \"\(preset)\"")
                return nil
            }
        }
        guard let inner = table.table("silence") else { return nil }
        var spec = SilenceSpec.music
        if inner.has("threshold") {
            let text = inner.peekString("threshold") ?? inner.integerValue("threshold").map(String.init) ?? ""
            if let value = Self.decibels(text), (-90.0 ... -10.0).contains(value) {
                spec.thresholdDb = value
            } else {
                inner.report("threshold", "expected a level in dBFS from \"-90dB\" to \"-10dB\", like \"-40dB\", got \"\(text)\"")
            }
        }
        spec.after = inner.duration("after", default: SilenceSpec.music.after, minimum: .seconds(1))
        inner.rejectUnknownKeys(known: ["threshold", "after"])
        return spec
    }

    /// `-40dB`, `-40 dB`, `-40.5dBFS` or `-40`.
    static func decibels(_ text: String) -> Double? {
        var number = text.trimmingCharacters(in: .whitespaces)
        for suffix in ["dBFS", "dbfs", "dB", "db"] where number.hasSuffix(suffix) {
            number = String(number.dropLast(suffix.count)).trimmingCharacters(in: .whitespaces)
            break
        }
        return Double(number)
    }
}

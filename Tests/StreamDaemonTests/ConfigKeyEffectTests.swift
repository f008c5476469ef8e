import Foundation
import StreamTestSupport
import Testing

/// Every key docs/configuration.md documents reaches its effect on a running `streamd run`:
/// one daemon configured with every key set to a value other than its default (the rig in
/// ConfigKeyEffectRig.swift), then one row per key (ConfigKeyEffectTable.swift) looks at what
/// that key changes from outside: the wire, the socket, the files, the state document.
@Suite("streamd run: every documented configuration key reaches its effect", .timeLimit(.minutes(3)))
struct ConfigKeyEffectTests {
    @Test("each key of docs/configuration.md, set to a non-default value, is seen doing what the docs say")
    func everyKeyReachesItsEffect() async throws {
        try await KeyRig.with { rig in
            for row in KeyEffects.table {
                let problem: String?
                do {
                    problem = try await row.check(rig)
                } catch {
                    problem = "the check threw: \(error)"
                }
                if let problem {
                    Issue.record("\(row.key) did not reach its effect (\(row.observed)): \(problem)")
                }
            }
            // The Spinitron keys reached the server (rows above), and nothing shows them: not
            // the debug log, the API's answers, /metrics, the state file or the events.
            let places: [(String, String)] = [
                ("standard error (log_level debug)", rig.daemon.stderr),
                ("GET /v1/state", try await SocketHTTP.request(rig.daemon.socketPath, "GET", "/v1/state").text),
                ("GET /metrics", try await SocketHTTP.request(rig.daemon.socketPath, "GET", "/metrics").text),
                ("GET /v1/health", try await SocketHTTP.request(rig.daemon.socketPath, "GET", "/v1/health").text),
                ("the state file", (try? String(contentsOfFile: rig.path(KeyRig.stateName), encoding: .utf8)) ?? ""),
            ]
            for (place, text) in places {
                for secret in [KeyRig.inlineToken, KeyRig.fileToken] {
                    #expect(!text.contains(secret), "the token \(secret) shows in \(place)")
                }
            }
        }
    }

    @Test("the table checks exactly the keys docs/configuration.md documents")
    func tableMatchesTheDocs() throws {
        let documented = try ConfigDoc.keys(in: String(contentsOfFile: Fixture.path("docs/configuration.md"), encoding: .utf8))
        let checked = KeyEffects.table.map(\.key)
        #expect(documented.contains("daemon.user_agent_suffix") && documented.contains("station.source.spinitron.token_file")
                && documented.contains("publish.mqtt.keepalive"),
                "the parser of docs/configuration.md found \(documented)")
        let repeatedDocs = Dictionary(grouping: documented, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        #expect(repeatedDocs.isEmpty, "docs/configuration.md documents these keys twice: \(repeatedDocs)")
        let repeatedRows = Dictionary(grouping: checked, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        #expect(repeatedRows.isEmpty, "the table has these keys twice: \(repeatedRows)")
        let unchecked = Set(documented).subtracting(checked).sorted()
        #expect(unchecked.isEmpty, "documented in docs/configuration.md but no row checks its effect: \(unchecked)")
        let undocumented = Set(checked).subtracting(documented).sorted()
        #expect(undocumented.isEmpty, "checked by the table but not documented in docs/configuration.md: \(undocumented)")
    }

    @Test("the docs parser: section prefixes, per-kind rows (a blank kind continues the previous one), escaped pipes, tables without a key column skipped")
    func docsParser() {
        let sample = """
            # Title

            ## `[daemon]`

            | key | type | default | meaning |
            |---|---|---|---|
            | `socket` | string | `/run/x` | The socket. |
            | `log_level` | `trace` \\| `debug` | `info` | The level. |

            ## Value types

            | key | meaning |
            |---|---|
            | `ignored` | not a section of keys |

            ## `[[station.source]]`

            | key | type | default | meaning |
            |---|---|---|---|
            | `kind` | `triton` | required | What. |

            | kind | key | type | default | meaning |
            |---|---|---|---|---|
            | `triton` | `mount` | string | required | M. |
            | | `count` | integer | `5` | N. |
            | `spinitron` | `token` | string | | T. |

            ### Source endpoints

            | kind | without `url` | with `url` |
            |---|---|---|
            | `triton` | `https://x` | `url` |
            """
        #expect(ConfigDoc.keys(in: sample) == ["daemon.socket", "daemon.log_level", "station.source.kind",
                                               "station.source.triton.mount", "station.source.triton.count",
                                               "station.source.spinitron.token"])
    }
}

/// The keys docs/configuration.md documents, as dotted names: the `key` column of every
/// table under the `[daemon]`, `[[station]]`, `[[station.stream]]` and `[[station.source]]`
/// headings, prefixed with the table's path (and, in the per-kind table, the kind).
enum ConfigDoc {
    static func keys(in markdown: String) -> [String] {
        var keys: [String] = []
        var section: String?
        var header: (key: Int, kind: Int?)?
        var lastKind = ""
        var inTable = false
        for rawLine in markdown.components(separatedBy: "\n") {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("## ") {
                section = sectionPrefix(line)
                inTable = false
                continue
            }
            guard line.hasPrefix("|") else {
                inTable = false
                continue
            }
            let cells = self.cells(line)
            if !inTable {  // a table's first row is its header
                inTable = true
                lastKind = ""
                let names = cells.map { $0.lowercased() }
                header = names.firstIndex(of: "key").map { key in (key, names[..<key].firstIndex(of: "kind")) }
                continue
            }
            guard let section, let header, cells.count > header.key,
                  !cells.allSatisfy({ $0.allSatisfy { "-: ".contains($0) } }) else { continue }
            let key = unquoted(cells[header.key])
            guard !key.isEmpty else { continue }
            if let kindColumn = header.kind {
                let kind = unquoted(cells[kindColumn])
                if !kind.isEmpty { lastKind = kind }
                keys.append("\(section).\(lastKind).\(key)")
            } else {
                keys.append("\(section).\(key)")
            }
        }
        return keys
    }

    /// "## `[[station.stream]]`" → "station.stream"; nil for a heading that names no table.
    private static func sectionPrefix(_ heading: String) -> String? {
        let parts = heading.split(separator: "`", omittingEmptySubsequences: false)
        guard parts.count >= 3 else { return nil }
        let name = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        guard ["daemon", "station", "station.stream", "station.source", "publish.mqtt", "output"].contains(name) else { return nil }
        return name
    }

    private static func cells(_ line: String) -> [String] {
        var parts = line.replacingOccurrences(of: "\\|", with: "\u{1}").split(separator: "|", omittingEmptySubsequences: false)
            .map { $0.replacingOccurrences(of: "\u{1}", with: "|").trimmingCharacters(in: .whitespaces) }
        if parts.first == "" { parts.removeFirst() }
        if parts.last == "" { parts.removeLast() }
        return parts
    }

    private static func unquoted(_ cell: String) -> String {
        cell.trimmingCharacters(in: CharacterSet(charactersIn: "` "))
    }
}

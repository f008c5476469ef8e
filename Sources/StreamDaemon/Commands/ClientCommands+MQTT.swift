import ArgumentParser
import Foundation
import StreamAPI
import StreamClient
import StreamMQTT
import StreamState

/// The client commands reading a site from an MQTT broker (`--mqtt URL --site SITE`) instead
/// of a daemon's socket: the answers the socket would give, made here from the site's retained
/// document (docs/scale-out.md).
extension ClientOptions {
    /// The site's document with `--mqtt`, nil without it. A broker that cannot be reached, or
    /// has nothing for the site, exits 69 as a daemon that does not answer does.
    func readSite(for command: String) async throws -> MQTTSiteReader.Site? {
        guard let settings = try broker.settings() else { return nil }
        let topics = try broker.topics(for: command)
        do {
            return try await MQTTSiteReader.site(settings, topics: topics)
        } catch {
            printError("streamd: \(error.message)")
            throw ExitStatus.unavailable
        }
    }

    /// `--station` (else the live one, else the first) in `document`; an unknown one prints the
    /// site's stations and throws `refused`.
    func station(in document: StateDocument, refused: ExitCode) throws -> StationState {
        let id = station ?? document.live ?? document.stations.first?.id
        guard let id, let found = document.station(id) else {
            printError("streamd: no station \"\(id ?? "")\" at site \(broker.site ?? ""); its stations: "
                       + document.stations.map(\.id).joined(separator: ", "))
            throw refused
        }
        return found
    }

    /// `stations --mqtt`: one site's stations with `--site`, every site's without. False
    /// without `--mqtt` (the socket answers then).
    func listSites() async throws -> Bool {
        guard let settings = try broker.settings() else { return false }
        if broker.site != nil, let site = try await readSite(for: "stations") {
            let list = site.document.stations.map(StationSummary.init)
            print(json ? String(decoding: try StateDocument.makeEncoder().encode(list), as: UTF8.self)
                       : ClientText.stations(list, live: site.document.live))
            return true
        }
        let sites: [MQTTSiteReader.Listed]
        do {
            sites = try await MQTTSiteReader.sites(settings, prefix: broker.prefix)
        } catch {
            printError("streamd: \(error.message)")
            throw ExitStatus.unavailable
        }
        if json {
            let entries = sites.map { SiteEntry(site: $0.site, status: $0.status, stations: $0.stations.map(StationSummary.init)) }
            print(String(decoding: try StateDocument.makeEncoder().encode(entries), as: UTF8.self))
        } else if sites.isEmpty {
            print("no sites publish under \(broker.prefix)/ on \(broker.mqtt ?? "")")
        } else {
            print(sites.map { site in
                "site \(site.site) (\(site.status ?? "no status"))\n" + ClientText.stations(site.stations.map(StationSummary.init), live: nil)
            }.joined(separator: "\n"))
        }
        return true
    }

    /// `status --mqtt --site`: the health the socket's `/v1/health` would give, from the site's
    /// document (its daemon counts as alive while the site is `online`); printed; the verdict.
    func showStatus(of site: MQTTSiteReader.Site) throws -> HealthVerdict {
        let report = HealthReport(document: site.document, engineAlive: site.online)
        var verdict = HealthVerdict(status: report.status.rawValue, problems: report.problems)
        if !site.online { verdict.problems.insert("site \(broker.site ?? ""): offline", at: 0) }
        let stations = station.map { id in site.document.stations.filter { $0.id == id } } ?? site.document.stations
        if let id = station, stations.isEmpty {
            printError("streamd: no station \"\(id)\" at site \(broker.site ?? "")")
            throw ExitStatus.usage
        }
        if json {
            let encoder = StateDocument.makeEncoder()
            let health = String(decoding: try encoder.encode(report), as: UTF8.self)
            let state = station == nil ? String(decoding: site.document.jsonBytes, as: UTF8.self)
                : String(decoding: stations[0].jsonBytes, as: UTF8.self)
            print("{\"health\":\(health),\"\(station == nil ? "state" : "station")\":\(state)}")
        } else {
            let document = site.document
            let zone = document.stations.first { $0.id == document.live }?.timezone ?? document.stations.first?.timezone
            StatusCommand.printStatus(header: "site \(broker.site ?? "") on \(broker.mqtt ?? ""), sequence \(document.sequence), updated "
                                + ClientText.localTime(document.updatedAt, zone: zone, seconds: true),
                                health: verdict, stations: stations)
        }
        return verdict
    }
}

/// One site of `stations --mqtt --json`.
private struct SiteEntry: Encodable {
    var site: String
    var status: String?
    var stations: [StationSummary]
}

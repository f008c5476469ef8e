import Logging
import StreamConfig
import StreamOutputs

extension OutputsPublisher {
    /// The publisher of the `[[output]]` tables, nil when there are none.
    static func configured(_ outputs: [OutputConfig], logger: Logger) -> OutputsPublisher? {
        guard !outputs.isEmpty else { return nil }
        return OutputsPublisher(outputs.map { output in
            let target: OutputSpec.Target = switch output.kind {
            case .file: .file(path: output.path)
            }
            return OutputSpec(target: target, station: output.station, template: output.template,
                              fallback: output.fallback, delay: output.delay)
        }, logger: logger)
    }
}

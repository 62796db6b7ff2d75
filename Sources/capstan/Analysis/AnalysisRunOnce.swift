import Analysis
import ArgumentParser
import Foundation
import Kube

/// `capstan analysis run -f TEMPLATE.yaml --arg k=v [--prometheus URL]`: measures every metric of the
/// templates once, now, and prints each value and verdict. Exits 0 when every metric that is not a dry run is
/// Successful, 1 otherwise. Needs no cluster (Job metrics aside).
struct AnalysisRunOnce: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Evaluate AnalysisTemplates once against live metric providers.")
    @Option(name: .shortAndLong, help: "An AnalysisTemplate or ClusterAnalysisTemplate file; repeat to compose.")
    var filename: [String]
    @Option(name: .customLong("arg"), help: "An argument, NAME=VALUE; repeat for several.") var args: [String] = []
    @Option(help: "Query this Prometheus instead of the address in the templates.") var prometheus: String?

    func run() async throws {
        var specs: [JSON] = []
        for file in filename {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CommandError("cannot read \(file)")
            }
            let documents: [JSON]
            do {
                documents = try YAML.parseAll(String(decoding: data, as: UTF8.self))
            } catch {
                throw CommandError("\(file) is not YAML: \(error)")
            }
            let templates = documents.filter {
                ["AnalysisTemplate", "ClusterAnalysisTemplate"].contains($0["kind"]?.stringValue ?? "")
            }
            guard !templates.isEmpty else { throw CommandError("\(file) holds no AnalysisTemplate") }
            specs += templates.map { $0["spec"] ?? [:] }
        }
        let passed = try args.map { text -> AnalysisArgument in
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else { throw ValidationError("expected NAME=VALUE, not \(text)") }
            return AnalysisArgument(name: parts[0], value: parts[1])
        }
        let http = ProviderHTTP()
        let verdicts: [SingleEvaluation.Verdict]
        do {
            let spec = AnalysisRunSpec(try AnalysisTemplates.merge(specs, args: passed))
            let providers = MetricProviders([
                PrometheusProvider(http: http, overrideAddress: prometheus), WebProvider(http: http),
            ])
            verdicts = try await SingleEvaluation.evaluate(
                spec, providers: providers,
                context: MeasurementContext(namespace: "default", runName: "capstan-analysis-run"))
        } catch {
            await shutDown("the HTTP client") { try await http.shutdown() }
            throw CommandError("\(error)")
        }
        await shutDown("the HTTP client") { try await http.shutdown() }
        let rows = verdicts.map { v in
            [
                v.metric + (v.dryRun ? " (dry run)" : ""), v.measurement.value ?? "-", v.measurement.phase.rawValue,
                v.measurement.message ?? "",
            ]
        }
        print(Table.render(["METRIC", "VALUE", "VERDICT", "MESSAGE"], rows))
        if verdicts.contains(where: { !$0.dryRun && $0.measurement.phase != .successful }) { throw ExitCode(1) }
    }
}

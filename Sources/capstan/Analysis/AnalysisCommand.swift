import Analysis
import ArgumentParser
import Foundation
import Kube

/// `capstan analysis ...` (also `kubectl capstan analysis ...`): AnalysisRuns and templates.
struct AnalysisCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analysis", abstract: "Inspect AnalysisRuns and check AnalysisTemplates against Prometheus.",
        subcommands: [AnalysisList.self, AnalysisGet.self, AnalysisRunOnce.self])
}

/// `capstan analysis list`.
struct AnalysisList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List AnalysisRuns.")
    @OptionGroup var kube: KubeOptions

    func run() async throws {
        try await kube.withClient { client in
            let runs = try await client.listAll(AnalysisCRDs.analysisRuns, namespace: try kube.appNamespace()).items
            let rows = runs.map { run -> [String] in
                let results = (run.status?["metricResults"]?.arrayValue ?? []).map(MetricResult.init)
                let measured = results.map { "\($0.name)=\($0.phase.rawValue)" }.joined(separator: ",")
                return [
                    run.name, run.status?["phase"]?.stringValue ?? "Pending", measured.isEmpty ? "-" : measured,
                    run.status?["message"]?.stringValue ?? "",
                ]
            }
            print(Table.render(["NAME", "STATUS", "METRICS", "MESSAGE"], rows))
        }
    }
}

/// `capstan analysis get NAME`: the run's metrics, and each kept measurement's value and phase.
struct AnalysisGet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get", abstract: "Show an AnalysisRun: its metrics and their measurements.")
    @OptionGroup var kube: KubeOptions
    @Argument var name: String

    func run() async throws {
        try await kube.withClient { client in
            let run = try await client.get(AnalysisCRDs.analysisRuns, namespace: try kube.appNamespace(), name: name)
            print(Self.describe(run))
        }
    }

    static func describe(_ run: KubeObject) -> String {
        var lines = [
            "Name:       \(run.name)", "Namespace:  \(run.namespace ?? "")",
            "Status:     \(run.status?["phase"]?.stringValue ?? "Pending")",
        ]
        if let message = run.status?["message"]?.stringValue { lines.append("Message:    \(message)") }
        if let started = run.status?["startedAt"]?.stringValue { lines.append("Started:    \(started)") }
        for result in (run.status?["metricResults"]?.arrayValue ?? []).map(MetricResult.init) {
            lines.append("")
            lines.append(
                "Metric \(result.name)\(result.dryRun ? " (dry run)" : ""): \(result.phase.rawValue)  count \(result.count), "
                    + "successful \(result.successful), failed \(result.failed), "
                    + "inconclusive \(result.inconclusive), error \(result.error)")
            let rows = result.measurements.enumerated().map { index, m -> [String] in
                [
                    String(index + 1), m.phase.rawValue, m.value ?? "-",
                    m.finishedAt.map(KubeTime.format) ?? m.startedAt.map(KubeTime.format) ?? "-", m.message ?? "",
                ]
            }
            lines.append(
                Table.render(["  #", "PHASE", "VALUE", "AT", "MESSAGE"], rows.map { ["  " + $0[0]] + $0.dropFirst() }))
        }
        return lines.joined(separator: "\n")
    }
}

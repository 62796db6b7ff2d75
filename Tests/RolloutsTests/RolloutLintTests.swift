import Foundation
import Kube
import KubeTestSupport
import Rollouts
import Testing

/// Argo Rollouts' own examples (`../shared/corpus/argo-rollouts-examples/`) are valid Rollouts, and what
/// Argo refuses is refused with the field named.
@Suite struct RolloutLintTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../shared/corpus/argo-rollouts-examples").standardized

    static var corpusFiles: [URL] {
        let enumerator = FileManager.default.enumerator(at: corpus, includingPropertiesForKeys: nil)
        return (enumerator?.allObjects as? [URL] ?? []).filter { $0.pathExtension == "yaml" }
            .sorted { $0.path < $1.path }
    }

    @Test func everyRolloutInArgosExamplesIsValid() throws {
        let files = Self.corpusFiles
        try #require(files.count > 20, "the corpus at \(Self.corpus.path) is missing")
        var rollouts = 0
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            let report = RolloutLint.check(text: text)
            let declared = text.split(separator: "\n").filter {
                $0.trimmingCharacters(in: .whitespaces) == "kind: Rollout"
            }
            #expect(report.verdicts.count == declared.count, "\(file.lastPathComponent)")
            for verdict in report.verdicts {
                #expect(verdict.problems.isEmpty, "\(file.lastPathComponent) \(verdict.name): \(verdict.problems)")
            }
            rollouts += report.verdicts.count
        }
        #expect(rollouts >= 21)
    }

    static func rollout(_ strategy: String, replicas: Int = 3) -> String {
        """
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata: {name: demo}
        spec:
          replicas: \(replicas)
          selector: {matchLabels: {app: demo}}
          template:
            metadata: {labels: {app: demo}}
            spec: {containers: [{name: demo, image: "nginx:1.25"}]}
          strategy:
        \(strategy)
        """
    }

    static func problems(_ strategy: String) -> [String] {
        RolloutLint.check(text: rollout(strategy)).verdicts.flatMap(\.problems).map(\.description)
    }

    /// A strategy (indented under `strategy:`) and the problems Argo's checks find in it.
    static let invalidStrategies: [(strategy: String, problems: [String])] = [
        (
            "    canary: {steps: [{setWeight: 20, pause: {}}]}",
            [
                "spec.strategy.canary.steps[0]: a step can hold only one of setWeight, pause, experiment and "
                    + "analysis, not setWeight and pause"
            ]
        ),
        (
            "    canary: {steps: [{setWeight: 101}]}",
            ["spec.strategy.canary.steps[0].setWeight: must be 0 to 100, not 101"]
        ),
        (
            "    canary: {steps: [{pause: {duration: soon}}]}",
            ["spec.strategy.canary.steps[0].pause.duration: \"soon\" is not a duration (30, 30s, 5m, 1h)"]
        ),
        ("    canary: {steps: [{setWait: 3}]}", ["spec.strategy.canary.steps[0].setWait: is not a canary step action"]),
        (
            "    canary: {maxSurge: 0, maxUnavailable: 0}",
            ["spec.strategy.canary.maxUnavailable: cannot be 0 when maxSurge is 0"]
        ),
        ("    blueGreen: {previewService: preview}", ["spec.strategy.blueGreen.activeService: is required"]),
        ("    {}", ["spec.strategy: canary or blueGreen is required"]),
        (
            "    canary: {}\n    blueGreen: {activeService: a}",
            ["spec.strategy: only one of canary and blueGreen can be set"]
        ),
        // Routing actions may join a weight, as in Argo's own APISIX example.
        (
            "    canary: {trafficRouting: {smi: {}}, steps: [{setCanaryScale: {replicas: 1}, setHeaderRoute: {name: h}}]}",
            []
        ),
        (
            "    canary: {steps: [{setCanaryScale: {replicas: 1, weight: 2}}], dynamicStableScale: true}",
            [
                "spec.strategy.canary.steps[0].setCanaryScale: requires spec.strategy.canary.trafficRouting",
                "spec.strategy.canary.steps[0].setCanaryScale: must set exactly one of replicas, weight and "
                    + "matchTrafficWeight",
                "spec.strategy.canary.dynamicStableScale: can only be used with traffic routing",
            ]
        ),
        (
            "    canary: {canaryMetadata: {labels: {role: [canary]}}}",
            ["spec.strategy.canary.canaryMetadata.labels: must map names to strings"]
        ),
        (
            "    canary: {scaleDownDelaySeconds: 5}",
            ["spec.strategy.canary.scaleDownDelaySeconds: can only be used with traffic routing"]
        ),
    ]

    @Test func invalidRolloutsNameTheField() {
        for (strategy, problems) in Self.invalidStrategies {
            #expect(Self.problems(strategy) == problems, "\(strategy)")
        }
        let mismatched = Self.rollout("    canary: {}").replacingOccurrences(
            of: "selector: {matchLabels: {app: demo}}", with: "selector: {matchLabels: {app: other}}")
        #expect(
            RolloutLint.check(text: mismatched).verdicts.flatMap(\.problems).map(\.description) == [
                "spec.template.metadata.labels: do not match spec.selector"
            ])
        let wrongType = Self.rollout("    canary: {}").replacingOccurrences(of: "replicas: 3", with: "replicas: three")
        #expect(
            RolloutLint.check(text: wrongType).verdicts.flatMap(\.problems).map(\.description) == [
                "spec.replicas: must be an integer, not \"three\""
            ])
    }

    @Test func theCommandExitsNonZeroForAnInvalidRollout() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lint-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let valid = directory.appendingPathComponent("valid.yaml")
        let invalid = directory.appendingPathComponent("invalid.yaml")
        try Self.rollout("    canary: {steps: [{setWeight: 20}, {pause: {}}]}").write(
            to: valid, atomically: true, encoding: .utf8)
        try Self.rollout("    canary: {steps: [{setWeight: 120}]}").write(
            to: invalid, atomically: true, encoding: .utf8)
        let good = try await ChildProcess.run([ChildProcess.capstan, "rollout", "lint", "-f", valid.path])
        #expect(good.status == 0 && good.output.contains("rollout demo: valid"), "\(good.output)")
        let bad = try await ChildProcess.run([
            ChildProcess.capstan, "rollout", "lint", "-f", valid.path, "-f", invalid.path,
        ])
        #expect(bad.status == 1 && bad.output.contains("setWeight: must be 0 to 100, not 120"), "\(bad.output)")
    }
}

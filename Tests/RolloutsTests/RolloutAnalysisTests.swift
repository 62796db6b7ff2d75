import Analysis
import EmbeddedCluster
import Foundation
import Kube
import KubeTestSupport
import Logging
import Rollouts
import Testing

/// Canary analysis end to end on the embedded cluster, with the Rollout and AnalysisRun controllers side by
/// side: Argo's own analysis-step example with its Job templates, background analysis against Prometheus
/// that fails and aborts the update, and an Inconclusive step that pauses until promoted.
@Suite struct RolloutAnalysisTests {
    static let examples = RolloutLintTests.corpus

    func withControllers(metrics: Bool = false, _ body: (TestCluster, String) async throws -> Void) async throws {
        try await withRolloutControllers(analysis: true, metrics: metrics, body)
    }

    /// Creates every object of `yaml` in the test's namespace (cluster-scoped ones once per cluster).
    func apply(_ cluster: TestCluster, _ yaml: String) async throws {
        for document in try YAML.parseAll(yaml) where document != .null {
            var object = KubeObject(document)
            if object.kind != "ClusterAnalysisTemplate" { object.namespace = cluster.namespace }
            if try await cluster.client.getIfExists(
                KubeTestGVR.of(object), namespace: object.namespace, name: object.name) == nil
            {
                _ = try await cluster.client.create(object)
            }
        }
    }

    enum KubeTestGVR {
        static func of(_ object: KubeObject) -> GroupVersionResource {
            switch object.kind {
            case "AnalysisTemplate": return AnalysisCRDs.analysisTemplates
            case "ClusterAnalysisTemplate": return AnalysisCRDs.clusterAnalysisTemplates
            case "Service": return .services
            default: return RolloutController.gvr
            }
        }
    }

    func example(_ name: String) throws -> String {
        try String(contentsOf: Self.examples.appendingPathComponent(name), encoding: .utf8)
    }

    func rollout(_ cluster: TestCluster, _ name: String) async throws -> KubeObject {
        try await cluster.client.get(RolloutController.gvr, namespace: cluster.namespace, name: name)
    }

    /// Waits for `phase` (at `step`); with `updatedFrom`, only once the stable hash is no longer that one.
    func waitFor(
        _ cluster: TestCluster, _ name: String, phase: String, step: Int? = nil, updatedFrom: String? = nil
    ) async throws -> KubeObject {
        var last: KubeObject?
        let reached = try await cluster.eventually(timeout: .seconds(120)) {
            last = try await rollout(cluster, name)
            return last?.status?["phase"]?.stringValue == phase
                && (step == nil || last?.status?["currentStepIndex"]?.intValue == step.map(Int64.init))
                && (updatedFrom == nil || last?.status?["stableRS"]?.stringValue != updatedFrom)
        }
        #expect(
            reached,
            "\(name) wanted \(phase) at step \(step.map(String.init) ?? "-"); status \(last?.status?.serialized() ?? "")"
        )
        return try #require(last)
    }

    func setImage(_ cluster: TestCluster, _ name: String, _ image: String) async throws {
        try await RolloutActions.perform(
            .setImage(container: "rollouts-demo", image: image), name: name, namespace: cluster.namespace,
            client: cluster.client)
    }

    @Test func argosAnalysisStepExampleRunsItsJobsAndCompletes() async throws {
        try await withControllers { cluster, ns in
            try await apply(cluster, try example("analysis-templates.yaml"))
            try await apply(cluster, try example("cluster-analysis-templates.yaml"))
            try await apply(cluster, try example("rollout-analysis-step.yaml"))
            let first = try await waitFor(cluster, "rollout-analysis-step", phase: "Healthy")
            try await setImage(cluster, "rollout-analysis-step", "argoproj/rollouts-demo:yellow")
            let done = try await waitFor(
                cluster, "rollout-analysis-step", phase: "Healthy", step: 2,
                updatedFrom: first.status?["stableRS"]?.stringValue)
            let hash = try #require(done.status?["currentPodHash"]?.stringValue)
            let runs = try await cluster.client.list(AnalysisCRDs.analysisRuns, namespace: ns).items
            let run = try #require(runs.first)
            #expect(runs.count == 1 && run.name == "rollout-analysis-step-\(hash)-2-1")
            #expect(run.labels["rollout-type"] == "Step" && run.labels["step-index"] == "1")
            #expect(run.labels["rollouts-pod-template-hash"] == hash)
            #expect(run.status?["phase"] == "Successful")
            // Both templates composed: random-fail's and the cluster template's metric.
            #expect(
                run.spec?["metrics"]?.arrayValue?.compactMap { $0["name"]?.stringValue }.sorted() == [
                    "pass", "random-fail",
                ])
            #expect(done.status?["canary"]?["currentStepAnalysisRunStatus"]?["name"]?.stringValue == run.name)
        }
    }

    static func prometheusTemplate(_ name: String, query: String, _ extra: String) -> String {
        """
        apiVersion: argoproj.io/v1alpha1
        kind: AnalysisTemplate
        metadata: {name: \(name)}
        spec:
          args:
          - name: canary-hash
          metrics:
          - name: \(name)
            \(extra)
            provider:
              prometheus:
                address: "{{args.address}}"
                query: \(query)
        """
    }

    @Test(.enabled(if: PrometheusServer.available)) func failingBackgroundAnalysisAbortsTheUpdate() async throws {
        let prometheus = try await PrometheusServer.start()
        defer { prometheus.stop() }
        try await withControllers { cluster, ns in
            let template = Self.prometheusTemplate(
                "random-fail", query: "vector(0.5)",
                "interval: 1s\n    failureLimit: 1\n    successCondition: result[0] >= 0.95"
            ).replacingOccurrences(
                of: "  - name: canary-hash\n",
                with:
                    "  - name: canary-hash\n  - name: address\n  - name: rollout-name\n    valueFrom: {fieldRef: {fieldPath: metadata.name}}\n"
            )
            try await apply(cluster, template)
            let args = [
                "        - templateName: random-fail", "        args:", "        - name: canary-hash",
                "          valueFrom: {podTemplateHashValue: Latest}", "        - name: address",
                "          value: \(prometheus.url)",
            ]
            let manifest = try example("rollout-background-analysis.yaml").replacingOccurrences(
                of: "        - templateName: random-fail\n", with: args.joined(separator: "\n") + "\n")
            try await apply(cluster, manifest)
            _ = try await waitFor(cluster, "rollout-background-analysis", phase: "Healthy")
            try await setImage(cluster, "rollout-background-analysis", "argoproj/rollouts-demo:yellow")
            let aborted = try await waitFor(cluster, "rollout-background-analysis", phase: "Degraded")
            let message = aborted.status?["message"]?.stringValue ?? ""
            #expect(
                message.hasPrefix("RolloutAborted") && message.contains("failed (2) > failureLimit (1)"), "\(message)")
            let runs = try await cluster.client.list(AnalysisCRDs.analysisRuns, namespace: ns).items
            let hash = aborted.status?["currentPodHash"]?.stringValue ?? ""
            #expect(runs.count == 1 && runs.first?.labels["rollout-type"] == "Background")
            #expect(
                runs.first?.spec?["args"]?.arrayValue?.first { $0["name"] == "canary-hash" }?["value"]?.stringValue
                    == hash)
            // A template's own fieldRef argument is resolved from the Rollout.
            #expect(
                runs.first?.spec?["args"]?.arrayValue?.first { $0["name"] == "rollout-name" }?["value"]
                    == "rollout-background-analysis")
            // Retry starts a fresh background run, which fails again.
            try await RolloutActions.perform(
                .retry, name: "rollout-background-analysis", namespace: ns, client: cluster.client)
            let again = try await cluster.eventually(timeout: .seconds(60)) {
                try await cluster.client.list(AnalysisCRDs.analysisRuns, namespace: ns).items.count == 2
            }
            #expect(again)
            let second = try await cluster.eventually(timeout: .seconds(60)) {
                let status = try await rollout(cluster, "rollout-background-analysis").status
                let run = status?["canary"]?["currentBackgroundAnalysisRunStatus"]
                return status?["phase"] == "Degraded" && run?["name"]?.stringValue?.hasSuffix("-2") == true
                    && run?["status"] == "Failed"
            }
            #expect(second)
        }
    }

    @Test(.enabled(if: PrometheusServer.available)) func anInconclusiveStepPausesUntilPromoted() async throws {
        let prometheus = try await PrometheusServer.start()
        defer { prometheus.stop() }
        try await withControllers { cluster, ns in
            try await apply(
                cluster,
                Self.prometheusTemplate(
                    "middling", query: "vector(0.7)",
                    "successCondition: result[0] >= 0.95\n    failureCondition: result[0] < 0.5"
                ).replacingOccurrences(of: "{{args.address}}", with: prometheus.url))
            let manifest = try example("rollout-analysis-step.yaml").replacingOccurrences(
                of: """
                              - templateName: random-fail
                              - templateName: always-pass
                                clusterScope: true
                    """,
                with: """
                              - templateName: middling
                              args:
                              - name: canary-hash
                                valueFrom: {podTemplateHashValue: Latest}
                    """)
            try await apply(cluster, manifest)
            _ = try await waitFor(cluster, "rollout-analysis-step", phase: "Healthy")
            try await setImage(cluster, "rollout-analysis-step", "argoproj/rollouts-demo:yellow")
            let paused = try await waitFor(cluster, "rollout-analysis-step", phase: "Paused", step: 1)
            #expect(paused.status?["pauseConditions"]?[0]?["reason"] == "InconclusiveAnalysisRun")
            try await RolloutActions.perform(
                .promote, name: "rollout-analysis-step", namespace: ns, client: cluster.client)
            _ = try await waitFor(
                cluster, "rollout-analysis-step", phase: "Healthy", step: 2,
                updatedFrom: paused.status?["stableRS"]?.stringValue)
        }
    }

    static let web = """
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata: {name: web}
        spec:
          replicas: 4
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: "example/web:1"}]}
          strategy:
            canary:
              steps:
              - setWeight: 50
              - analysis:
                  templates:
                  - templateName: http-error-rate
                  args:
                  - {name: service-name, value: web}
                  - name: namespace
                    valueFrom: {fieldRef: {fieldPath: metadata.namespace}}
                  - name: pod-hash
                    valueFrom: {podTemplateHashValue: Latest}
                  - {name: prometheus-address, value: "PROMETHEUS"}
                  - {name: window, value: 10s}
                  - {name: interval, value: 2s}
                  - {name: count, value: "3"}
                  - {name: initial-delay, value: 5s}
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          annotations: {capstan.io/simulated-rps: "40"}
        spec:
          selector: {app: web}
          ports: [{port: 80}]
        """

    @Test(.enabled(if: PrometheusServer.available)) func aBadImageFailsTheShippedTemplateAndAborts() async throws {
        try await withControllers(metrics: true) { cluster, ns in
            let target = try #require(cluster.embedded?.metricsTarget)
            let prometheus = try await PrometheusServer.start(targets: [target])
            defer { prometheus.stop() }
            // The image a user pushes is bad: half its answers are 500s.
            _ = try await cluster.client.create(
                KubeObject([
                    "apiVersion": "v1", "kind": "ConfigMap",
                    "metadata": ["name": "capstan-simulation", "namespace": "kube-system"],
                    "data": ["images": "example/web:bad: healthy,errors=0.5"],
                ]))
            let template = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("analysis-templates/http-error-rate.yaml")
            try await apply(cluster, try String(contentsOf: template, encoding: .utf8))
            try await apply(cluster, Self.web.replacingOccurrences(of: "PROMETHEUS", with: prometheus.url))
            let first = try await waitFor(cluster, "web", phase: "Healthy")
            // A good new version passes the analysis and is promoted.
            try await RolloutActions.perform(
                .setImage(container: "web", image: "example/web:2"), name: "web", namespace: ns, client: cluster.client)
            let good = try await waitFor(
                cluster, "web", phase: "Healthy", step: 2, updatedFrom: first.status?["stableRS"]?.stringValue)
            // The bad one fails it: the update is aborted and everything goes back to example/web:2.
            try await RolloutActions.perform(
                .setImage(container: "web", image: "example/web:bad"), name: "web", namespace: ns,
                client: cluster.client)
            let aborted = try await waitFor(cluster, "web", phase: "Degraded")
            let message = aborted.status?["message"]?.stringValue ?? ""
            #expect(message.contains("error-rate") && message.contains("failureLimit"), "\(message)")
            #expect(aborted.status?["stableRS"] == good.status?["stableRS"])
        }
    }
}

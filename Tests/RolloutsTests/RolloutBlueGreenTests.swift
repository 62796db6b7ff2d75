import Analysis
import Foundation
import Kube
import KubeTestSupport
import Logging
import Rollouts
import Testing

/// Blue-green Rollouts on the embedded cluster, with Argo's own `rollout-bluegreen.yaml`: the new version comes
/// up behind the preview Service, waits for a promotion, takes over the active Service, and the old version
/// is scaled away after its delay; an abort points the preview back at the stable version.
@Suite struct RolloutBlueGreenTests {
    static let file = RolloutLintTests.corpus.appendingPathComponent("rollout-bluegreen.yaml")

    func withController(_ body: (TestCluster, String) async throws -> Void) async throws {
        try await withRolloutControllers(body)
    }

    func create(_ cluster: TestCluster, _ yaml: String) async throws {
        for document in try YAML.parseAll(yaml) where document != .null {
            var object = KubeObject(document)
            object.namespace = cluster.namespace
            _ = try await cluster.client.create(object)
        }
    }

    /// The hash a Service selects, and the Rollout's phase, once both are as wanted.
    func waitFor(
        _ cluster: TestCluster, phase: String, active: String? = nil, preview: String? = nil,
        replicas: [String: Int]? = nil, rollout: String = "rollout-bluegreen"
    ) async throws -> KubeObject {
        var last = ""
        var object: KubeObject?
        let reached = try await cluster.eventually(timeout: .seconds(90)) {
            object = try await cluster.client.get(RolloutController.gvr, namespace: cluster.namespace, name: rollout)
            let activeHash = try await selected(cluster, "\(rollout)-active")
            let previewHash = try await selected(cluster, "\(rollout)-preview")
            var counts: [String: Int] = [:]
            for rs in try await cluster.client.list(.replicaSets, namespace: cluster.namespace).items {
                counts[rs.labels["rollouts-pod-template-hash"] ?? "", default: 0] += Int(
                    rs.spec?["replicas"]?.intValue ?? 0)
            }
            counts = counts.filter { $0.value > 0 }
            last =
                "\(object?.status?["phase"] ?? .null) active \(activeHash ?? "-") preview \(previewHash ?? "-") \(counts)"
            return object?.status?["phase"]?.stringValue == phase && (active == nil || activeHash == active)
                && (preview == nil || previewHash == preview) && (replicas == nil || counts == replicas)
        }
        #expect(reached, "wanted \(phase) active \(active ?? "-") preview \(preview ?? "-"); last \(last)")
        return try #require(object)
    }

    func selected(_ cluster: TestCluster, _ service: String) async throws -> String? {
        try await cluster.client.getIfExists(.services, namespace: cluster.namespace, name: service)?
            .spec?["selector"]?["rollouts-pod-template-hash"]?.stringValue
    }

    func setImage(_ cluster: TestCluster, _ image: String, rollout: String = "rollout-bluegreen") async throws {
        try await RolloutActions.perform(
            .setImage(container: "rollouts-demo", image: image), name: rollout, namespace: cluster.namespace,
            client: cluster.client)
    }

    @Test func argosBlueGreenExamplePreviewsPromotesAndAborts() async throws {
        try await withController { cluster, ns in
            let manifest = try String(contentsOf: Self.file, encoding: .utf8).replacingOccurrences(
                of: "      autoPromotionEnabled: false",
                with:
                    "      autoPromotionEnabled: false\n      scaleDownDelaySeconds: 3\n      abortScaleDownDelaySeconds: 2"
            )
            try await create(cluster, manifest)
            let first = try await waitFor(cluster, phase: "Healthy")
            let blue = try #require(first.status?["stableRS"]?.stringValue)
            _ = try await waitFor(cluster, phase: "Healthy", active: blue, preview: blue, replicas: [blue: 2])
            let service = try await cluster.client.get(.services, namespace: ns, name: "rollout-bluegreen-active")
            #expect(service.annotations["argo-rollouts.argoproj.io/managed-by-rollouts"] == "rollout-bluegreen")

            // The new version comes up behind the preview Service and waits for a promotion.
            try await setImage(cluster, "argoproj/rollouts-demo:yellow")
            let paused = try await waitFor(cluster, phase: "Paused", active: blue)
            let yellow = try #require(paused.status?["currentPodHash"]?.stringValue)
            _ = try await waitFor(
                cluster, phase: "Paused", active: blue, preview: yellow, replicas: [blue: 2, yellow: 2])
            #expect(paused.status?["pauseConditions"]?[0]?["reason"] == "BlueGreenPause")
            #expect(paused.status?["blueGreen"]?["activeSelector"]?.stringValue == blue)

            // Promoted: the active Service switches; the old version stays up for its delay, then goes.
            try await RolloutActions.perform(.promote, name: "rollout-bluegreen", namespace: ns, client: cluster.client)
            let promoted = try await waitFor(cluster, phase: "Healthy", active: yellow, preview: yellow)
            #expect(promoted.status?["stableRS"]?.stringValue == yellow)
            _ = try await waitFor(cluster, phase: "Healthy", active: yellow, replicas: [yellow: 2])

            // Aborted: the preview goes back to the stable version and the new one is scaled away after 2 s.
            try await setImage(cluster, "argoproj/rollouts-demo:green")
            let again = try await waitFor(cluster, phase: "Paused", active: yellow)
            let green = try #require(again.status?["currentPodHash"]?.stringValue)
            try await RolloutActions.perform(.abort, name: "rollout-bluegreen", namespace: ns, client: cluster.client)
            _ = try await waitFor(cluster, phase: "Degraded", active: yellow, preview: yellow, replicas: [yellow: 2])
            #expect(green != yellow)
        }
    }

    @Test func autoPromotionSecondsPromotesWithoutAHand() async throws {
        try await withController { cluster, _ in
            let manifest = try String(contentsOf: Self.file, encoding: .utf8).replacingOccurrences(
                of: "      autoPromotionEnabled: false",
                with: "      autoPromotionSeconds: 2\n      previewReplicaCount: 1\n      scaleDownDelaySeconds: 1")
            try await create(cluster, manifest)
            let first = try await waitFor(cluster, phase: "Healthy")
            let blue = try #require(first.status?["stableRS"]?.stringValue)
            try await setImage(cluster, "argoproj/rollouts-demo:yellow")
            // It pauses with one preview pod, then switches by itself (the pause is only observed through its
            // Event: a loaded machine may not poll within the two seconds).
            let promoted = try await cluster.eventually(timeout: .seconds(90)) {
                let rollout = try await cluster.client.get(
                    RolloutController.gvr, namespace: cluster.namespace, name: "rollout-bluegreen")
                let hash = rollout.status?["stableRS"]?.stringValue
                let active = try await selected(cluster, "rollout-bluegreen-active")
                return hash != blue && rollout.status?["phase"] == "Healthy" && active == hash
            }
            #expect(promoted)
            #expect(try await cluster.eventually(event: { $0.json["reason"] == "RolloutPaused" }))
        }
    }

    static func template(_ name: String, value: String, prometheus: String) -> String {
        """
        apiVersion: argoproj.io/v1alpha1
        kind: AnalysisTemplate
        metadata: {name: \(name)}
        spec:
          metrics:
          - name: \(name)
            successCondition: result[0] >= 0.95
            provider:
              prometheus: {address: "\(prometheus)", query: "vector(\(value))"}
        """
    }

    @Test(.enabled(if: PrometheusServer.available)) func prePromotionGatesAndFailedPostPromotionSwitchesBack()
        async throws
    {
        let prometheus = try await PrometheusServer.start()
        defer { prometheus.stop() }
        try await withController { cluster, ns in
            let analysis = AnalysisRunController(
                client: cluster.client, namespace: ns, logger: Logger(label: "test.bluegreen.analysis"))
            try await analysis.start()
            try await withAwaitedTeardown(analysis, teardown: { await $0.stop() }) { _ in
                try await create(cluster, Self.template("smoke", value: "0.99", prometheus: prometheus.url))
                try await create(cluster, Self.template("soak", value: "0.5", prometheus: prometheus.url))
                let manifest = try String(contentsOf: Self.file, encoding: .utf8).replacingOccurrences(
                    of: "      autoPromotionEnabled: false",
                    with: [
                        "      scaleDownDelaySeconds: 1", "      prePromotionAnalysis:",
                        "        templates: [{templateName: smoke}]", "      postPromotionAnalysis:",
                        "        templates: [{templateName: soak}]",
                    ].joined(separator: "\n"))
                try await create(cluster, manifest)
                let first = try await waitFor(cluster, phase: "Healthy")
                let blue = try #require(first.status?["stableRS"]?.stringValue)
                try await setImage(cluster, "argoproj/rollouts-demo:yellow")
                // smoke passes, the active Service switches, soak fails: back to blue, aborted.
                let aborted = try await waitFor(cluster, phase: "Degraded", active: blue, preview: blue)
                let message = aborted.status?["message"]?.stringValue ?? ""
                #expect(message.contains("RolloutAborted") && message.contains("soak"), "\(message)")
                #expect(aborted.status?["blueGreen"]?["prePromotionAnalysisRunStatus"]?["status"] == "Successful")
                #expect(aborted.status?["blueGreen"]?["postPromotionAnalysisRunStatus"]?["status"] == "Failed")
                // The active Service did move to the new version before the post-promotion analysis failed.
                let yellow = aborted.status?["currentPodHash"]?.stringValue ?? ""
                let switched = "Switched selector for service 'rollout-bluegreen-active' to '\(yellow)'"
                #expect(
                    try await cluster.eventually(event: { $0.json["message"]?.stringValue == switched }, namespace: ns))
                let runs = try await cluster.client.list(AnalysisCRDs.analysisRuns, namespace: ns).items
                #expect(Set(runs.compactMap { $0.labels["rollout-type"] }) == ["PrePromotion", "PostPromotion"])
            }
        }
    }
}

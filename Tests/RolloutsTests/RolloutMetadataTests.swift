import Foundation
import Kube
import KubeTestSupport
import Rollouts
import Testing

/// `canaryMetadata` and `stableMetadata`: labels that follow the role of each version's pods, moved by patching
/// the running pods (none is restarted) and leaving the pod template hash alone.
@Suite struct RolloutMetadataTests {
    static let manifest = """
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata: {name: roles}
        spec:
          replicas: 2
          selector: {matchLabels: {app: roles}}
          template:
            metadata: {labels: {app: roles}}
            spec: {containers: [{name: app, image: "example/app:1"}]}
          strategy:
            canary:
              canaryMetadata:
                labels: {role: canary}
                annotations: {example.com/side: canary}
              stableMetadata:
                labels: {role: stable}
              steps:
              - setWeight: 50
              - pause: {}
        """

    /// Pod name → its `role` label, for the pods of the Rollout that are not being deleted.
    func roles(_ cluster: TestCluster) async throws -> [String: String] {
        let pods = try await cluster.client.list(.pods, namespace: cluster.namespace, labelSelector: "app=roles").items
        return pods.filter { $0.deletionTimestamp == nil }.reduce(into: [:]) { $0[$1.name] = $1.labels["role"] ?? "-" }
    }

    func waitForRoles(_ cluster: TestCluster, _ wanted: [String: Int]) async throws -> [String: String] {
        var last: [String: String] = [:]
        let reached = try await cluster.eventually(timeout: .seconds(60)) {
            last = try await roles(cluster)
            return Dictionary(grouping: last.values, by: { $0 }).mapValues(\.count) == wanted
        }
        #expect(reached, "wanted \(wanted); last \(last)")
        return last
    }

    @Test func podsCarryTheMetadataOfTheirRole() async throws {
        try await withRolloutControllers { cluster, ns in
            var object = KubeObject(try YAML.parse(Self.manifest))
            object.namespace = ns
            _ = try await cluster.client.create(object)
            // A first deploy is the stable version.
            _ = try await waitForRoles(cluster, ["stable": 2])
            #expect(
                try await cluster.eventually {
                    let rollout = try await cluster.client.get(RolloutController.gvr, namespace: ns, name: "roles")
                    return rollout.status?["phase"] == "Healthy"
                })
            _ = try await cluster.client.patch(
                RolloutController.gvr, namespace: ns, name: "roles", type: .merge,
                patch: ["spec": ["template": ["spec": ["containers": [["name": "app", "image": "example/app:2"]]]]]])
            let canary = try await waitForRoles(cluster, ["stable": 1, "canary": 1])
            // Promoted only once the pause holds (a promotion before it would skip the weight step instead).
            #expect(
                try await cluster.eventually {
                    let rollout = try await cluster.client.get(RolloutController.gvr, namespace: ns, name: "roles")
                    return rollout.status?["phase"] == "Paused"
                })
            let canaryPod = try #require(canary.first { $0.value == "canary" }?.key)
            let pod = try await cluster.client.get(.pods, namespace: ns, name: canaryPod)
            #expect(pod.annotations["example.com/side"] == "canary")

            try await RolloutActions.perform(.promote, name: "roles", namespace: ns, client: cluster.client)
            let promoted = try await waitForRoles(cluster, ["stable": 2])
            // The canary's pod was relabelled, not replaced, and lost the canary-only annotation.
            #expect(promoted[canaryPod] == "stable")
            let relabelled = try await cluster.client.get(.pods, namespace: ns, name: canaryPod)
            #expect(relabelled.annotations["example.com/side"] == nil)
            let sets = try await cluster.client.list(.replicaSets, namespace: ns).items
            #expect(sets.count == 2, "\(sets.map(\.name))")
            let rollout = try await cluster.client.get(RolloutController.gvr, namespace: ns, name: "roles")
            let current = try #require(
                sets.first { $0.labels[PodTemplateHash.label] == rollout.status?["currentPodHash"]?.stringValue })
            #expect(current.spec?[path: ["template", "metadata", "labels", "role"]] == "stable")
            #expect(current.annotations[EphemeralMetadata.annotation] == #"{"labels":{"role":"stable"}}"#)
        }
    }
}

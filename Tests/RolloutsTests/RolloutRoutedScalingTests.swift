import Foundation
import Kube
import KubeTestSupport
import Rollouts
import Testing

/// Replica counts of a canary behind a traffic router (SMI here), on the embedded cluster with manifests in
/// Argo's form: `setCanaryScale` (replicas, weight, matchTrafficWeight), `minPodsPerReplicaSet`, the old
/// stable version kept `scaleDownDelaySeconds` after promotion, the canary kept `abortScaleDownDelaySeconds`
/// after an abort, and `dynamicStableScale` shrinking the stable side only as traffic leaves it.
@Suite struct RolloutRoutedScalingTests {
    static func rollout(_ name: String, strategy: String, steps: String) -> String {
        """
        apiVersion: v1
        kind: Service
        metadata: {name: \(name)-canary}
        spec: {selector: {app: \(name)}, ports: [{port: 80}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: \(name)-stable}
        spec: {selector: {app: \(name)}, ports: [{port: 80}]}
        ---
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata: {name: \(name)}
        spec:
          replicas: 4
          selector: {matchLabels: {app: \(name)}}
          template:
            metadata: {labels: {app: \(name)}}
            spec: {containers: [{name: app, image: "example/app:1"}]}
          strategy:
            canary:
              canaryService: \(name)-canary
              stableService: \(name)-stable
              trafficRouting: {smi: {}}
        \(strategy)
              steps:
        \(steps)
        """
    }

    static let scaled = rollout(
        "scaled",
        strategy: """
                  scaleDownDelaySeconds: 2
                  abortScaleDownDelaySeconds: 6
                  minPodsPerReplicaSet: 2
            """,
        steps: """
                  - setCanaryScale: {replicas: 3}
                  - setWeight: 10
                  - pause: {}
                  - setCanaryScale: {weight: 25}
                  - pause: {}
                  - setCanaryScale: {matchTrafficWeight: true}
                  - setWeight: 75
                  - pause: {}
            """)

    static let dynamic = rollout(
        "dynamic", strategy: "      dynamicStableScale: true",
        steps: """
                  - setWeight: 50
                  - pause: {}
            """)

    /// Creates the TrafficSplit CRD and the objects in `yaml`, then waits until the Rollout is Healthy.
    func deploy(_ cluster: TestCluster, _ yaml: String, name: String) async throws {
        try await CustomResources.ensure(
            [
                CustomResources.definition(
                    group: "split.smi-spec.io", version: "v1alpha3", plural: "trafficsplits", kind: "TrafficSplit",
                    shortNames: [])
            ], client: cluster.client,
            served: GroupVersionResource(group: "split.smi-spec.io", version: "v1alpha3", resource: "trafficsplits"))
        for document in try YAML.parseAll(yaml) where document != .null {
            var object = KubeObject(document)
            object.namespace = cluster.namespace
            _ = try await cluster.client.create(object)
        }
        try await waitFor(cluster, name, phase: "Healthy", canary: 0, stable: 4, weight: nil)
        _ = try await cluster.client.patch(
            RolloutController.gvr, namespace: cluster.namespace, name: name, type: .merge,
            patch: ["spec": ["template": ["spec": ["containers": [["name": "app", "image": "example/app:2"]]]]]])
    }

    /// Waits for the phase, the replicas of the current (`canary`) and stable ReplicaSets (while they differ),
    /// and the canary weight of the TrafficSplit.
    func waitFor(
        _ cluster: TestCluster, _ name: String, phase: String, canary: Int, stable: Int, weight: Int?
    ) async throws {
        var last = ""
        let reached = try await cluster.eventually(timeout: .seconds(60)) {
            let state = try await observe(cluster, name)
            last = "\(state)"
            return state.phase == phase && state.canary == canary && state.stable == stable
                && (weight == nil || state.weight == weight)
        }
        #expect(reached, "wanted \(phase) canary \(canary) stable \(stable) weight \(weight ?? -1); last \(last)")
    }

    func observe(
        _ cluster: TestCluster, _ name: String
    ) async throws -> (phase: String, canary: Int, stable: Int, weight: Int?) {
        let rollout = try await cluster.client.get(RolloutController.gvr, namespace: cluster.namespace, name: name)
        let sets = try await cluster.client.list(.replicaSets, namespace: cluster.namespace).items
        func replicas(_ hash: String?) -> Int {
            Int(sets.first { $0.labels[PodTemplateHash.label] == hash }?.spec?["replicas"]?.intValue ?? 0)
        }
        let current = rollout.status?["currentPodHash"]?.stringValue
        let stableHash = rollout.status?["stableRS"]?.stringValue
        let split = try await cluster.client.getIfExists(
            GroupVersionResource(group: "split.smi-spec.io", version: "v1alpha3", resource: "trafficsplits"),
            namespace: cluster.namespace, name: name)
        return (
            rollout.status?["phase"]?.stringValue ?? "", current == stableHash ? 0 : replicas(current),
            replicas(stableHash), split?.spec?["backends"]?[0]?["weight"]?.intValue.map(Int.init)
        )
    }

    func promote(_ cluster: TestCluster, _ name: String) async throws {
        try await RolloutActions.perform(.promote, name: name, namespace: cluster.namespace, client: cluster.client)
    }

    /// The old ReplicaSets: name → (replicas, has a scale-down deadline).
    func oldReplicaSets(_ cluster: TestCluster, except hash: String?) async throws -> [Int: Bool] {
        let sets = try await cluster.client.list(.replicaSets, namespace: cluster.namespace).items
        return sets.filter { $0.labels[PodTemplateHash.label] != hash }.reduce(into: [:]) { result, rs in
            result[Int(rs.spec?["replicas"]?.intValue ?? -1)] =
                rs.annotations["argo-rollouts.argoproj.io/scale-down-deadline"] != nil
        }
    }

    @Test func setCanaryScaleSizesTheCanaryApartFromItsWeight() async throws {
        try await withRolloutControllers { cluster, _ in
            try await deploy(cluster, Self.scaled, name: "scaled")
            // setCanaryScale replicas: 3 holds through the setWeight 10 that follows; the stable side stays full.
            try await waitFor(cluster, "scaled", phase: "Paused", canary: 3, stable: 4, weight: 10)
            try await promote(cluster, "scaled")
            // weight 25 of 4 replicas is one pod, raised to minPodsPerReplicaSet.
            try await waitFor(cluster, "scaled", phase: "Paused", canary: 2, stable: 4, weight: 10)
            try await promote(cluster, "scaled")
            // matchTrafficWeight: the canary follows the traffic weight again (75% of 4).
            try await waitFor(cluster, "scaled", phase: "Paused", canary: 3, stable: 4, weight: 75)
            let current = try await observe(cluster, "scaled")
            #expect(current.canary == 3)
            try await promote(cluster, "scaled")
            // Promoted: the old version waits out scaleDownDelaySeconds (recorded on it), then goes to zero.
            try await waitFor(cluster, "scaled", phase: "Healthy", canary: 0, stable: 4, weight: 0)
            let promoted = try await cluster.client.get(
                RolloutController.gvr, namespace: cluster.namespace, name: "scaled")
            let hash = promoted.status?["stableRS"]?.stringValue
            #expect(
                try await cluster.eventually(timeout: .seconds(30)) {
                    try await oldReplicaSets(cluster, except: hash) == [0: true]
                })
        }
    }

    @Test func anAbortKeepsTheCanaryForItsDelay() async throws {
        try await withRolloutControllers { cluster, ns in
            try await deploy(cluster, Self.scaled, name: "scaled")
            try await waitFor(cluster, "scaled", phase: "Paused", canary: 3, stable: 4, weight: 10)
            try await RolloutActions.perform(.abort, name: "scaled", namespace: ns, client: cluster.client)
            // Traffic goes back at once; the canary's pods stay until abortScaleDownDelaySeconds has passed (6 s:
            // a window the polling below catches even on a loaded CI machine, where 2 s was once missed).
            var sawKept = false
            #expect(
                try await cluster.eventually(timeout: .seconds(30)) {
                    let state = try await observe(cluster, "scaled")
                    if state.phase == "Degraded" && state.weight == 0 && state.canary == 3 { sawKept = true }
                    return state.phase == "Degraded" && state.weight == 0 && state.canary == 0 && state.stable == 4
                })
            #expect(sawKept, "the canary was scaled down before its delay")
        }
    }

    @Test func aDynamicStableScaleShrinksTheStableSideAsTrafficLeavesIt() async throws {
        try await withRolloutControllers { cluster, ns in
            try await deploy(cluster, Self.dynamic, name: "dynamic")
            // 50% of the traffic on the canary: the stable side keeps only the pods for its half.
            try await waitFor(cluster, "dynamic", phase: "Paused", canary: 2, stable: 2, weight: 50)
            // Aborted: the stable side grows back first, traffic follows its available pods, and only then does
            // the canary go.
            try await RolloutActions.perform(.abort, name: "dynamic", namespace: ns, client: cluster.client)
            try await waitFor(cluster, "dynamic", phase: "Degraded", canary: 0, stable: 4, weight: 0)
        }
    }
}

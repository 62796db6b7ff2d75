import EmbeddedCluster
import Foundation
import Kube
import KubeTestSupport
import Testing

/// A billion replicas do not flood the embedded cluster: pods come in bounded batches, the simulated node
/// runs as many as its capacity allows, the rest wait Pending and Unschedulable with the scheduler's Event,
/// and scaling back to zero removes them all.
@Suite struct SimulationLimitsTests {
    @Test func aBillionReplicasStopAtTheNodeCapacity() async throws {
        try await TestCluster.with { cluster in
            guard cluster.embedded != nil else { return }
            let ns = cluster.namespace
            let labels: JSON = ["app": "huge"]
            let rs = KubeObject(
                apiVersion: "apps/v1", kind: "ReplicaSet", name: "huge", namespace: ns,
                body: [
                    "spec": [
                        "replicas": 1_000_000_000, "selector": ["matchLabels": labels],
                        "template": [
                            "metadata": ["labels": labels], "spec": ["containers": [["name": "c", "image": "x"]]],
                        ],
                    ]
                ])
            _ = try await cluster.client.create(rs)
            func pods() async throws -> [KubeObject] { try await cluster.client.list(.pods, namespace: ns).items }
            func unschedulable(_ pod: KubeObject) -> Bool {
                pod.status?["conditions"]?[0]?["reason"] == "Unschedulable"
            }
            #expect(
                try await cluster.eventually(timeout: .seconds(120)) {
                    let all = try await pods()
                    return all.filter(WorkloadPods.isRunning).count == 110 && all.contains(where: unschedulable)
                })
            let events = try await cluster.client.list(.events, namespace: ns).items
            #expect(events.contains { $0.json["reason"] == "FailedScheduling" && $0.json["type"] == "Warning" })
            let total = try await pods().count
            #expect(total <= 110 + 1_000, "\(total) pods for a node of 110")

            _ = try await cluster.client.patch(
                .replicaSets, namespace: ns, name: "huge", type: .merge,
                patch: ["spec": ["replicas": 0]])
            #expect(try await cluster.eventually(timeout: .seconds(120)) { try await pods().isEmpty })
        }
    }
}

enum WorkloadPods {
    static func isRunning(_ pod: KubeObject) -> Bool { pod.status?["phase"] == "Running" }
}

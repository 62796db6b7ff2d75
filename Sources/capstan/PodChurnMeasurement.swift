import Foundation
import Kube
import Logging

/// `capstan bench cluster`'s churn figure: GET latency while the simulated controllers create, then delete,
/// 10,000 pods (the node's capacity raised through its status, as an operator would for a big node).
struct PodChurnMeasurement {
    let client: KubeClient
    let pods: Int

    func run() async throws -> [String] {
        var node = try await client.get(.nodes, name: "capstan-node-1")
        node.json[path: ["status", "capacity", "pods"]] = .string(String(pods * 2))
        _ = try await client.updateStatus(node)
        _ = try await client.create(
            KubeObject(
                apiVersion: "v1", kind: "ConfigMap", name: "probe", namespace: "default",
                body: ["data": ["k": "v"]]))
        let labels: JSON = ["app": "churn"]
        let rs = KubeObject(
            apiVersion: "apps/v1", kind: "ReplicaSet", name: "churn", namespace: "default",
            body: [
                "spec": [
                    "replicas": .int(Int64(pods)), "selector": ["matchLabels": labels],
                    "template": [
                        "metadata": ["labels": labels], "spec": ["containers": [["name": "c", "image": "x"]]],
                    ],
                ]
            ])
        let clock = ContinuousClock()
        let start = clock.now
        _ = try await client.create(rs)
        let up = try await sampleGets { $0 >= pods }
        let upTime = (clock.now - start).seconds
        _ = try await client.patch(
            .replicaSets, namespace: "default", name: "churn", type: .merge,
            patch: ["spec": ["replicas": 0]])
        let down = try await sampleGets { $0 == 0 }
        return [
            String(
                format: "get while %d pods are created (%.1f s): p50 %.2f ms, p99 %.2f ms", pods, upTime,
                ClusterMeasurements.percentile(up, 0.5), ClusterMeasurements.percentile(up, 0.99)),
            String(
                format: "get while they are deleted: p50 %.2f ms, p99 %.2f ms",
                ClusterMeasurements.percentile(down, 0.5), ClusterMeasurements.percentile(down, 0.99)),
        ]
    }

    /// GETs one ConfigMap in a loop, timing each, until the ReplicaSet's pod count (checked every 200 GETs) satisfies `done`.
    func sampleGets(until done: (Int) -> Bool) async throws -> [Double] {
        let clock = ContinuousClock()
        var samples: [Double] = []
        let deadline = clock.now + .seconds(600)
        while clock.now < deadline {
            for _ in 0..<200 {
                let t = try await clock.measure {
                    _ = try await client.get(.configMaps, namespace: "default", name: "probe")
                }
                samples.append(t.seconds * 1000)
            }
            let rs = try await client.get(.replicaSets, namespace: "default", name: "churn")
            if done(Int(rs.status?["replicas"]?.intValue ?? -1)) { return samples }
        }
        throw ConfigError("the pods did not reach their count within 10 minutes")
    }
}

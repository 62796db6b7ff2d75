import Foundation
import Kube
import KubeTestSupport
import Testing

/// The simulated controllers record the Events the real ones record (recording 44 of
/// `../shared/kube-apiserver-1.25/`), so `kubectl describe` and `kubectl events` tell what happened; beyond
/// ten of one kind they are combined, as client-go combines them.
@Suite struct ControllerEventTests {
    @Test func aRolloutIsToldByItsEvents() async throws {
        try await TestCluster.with { cluster in
            let ns = cluster.namespace
            _ = try await cluster.client.create(Fixtures.deployment("web", namespace: ns, replicas: 15))
            func events() async throws -> [KubeObject] { try await cluster.client.list(.events, namespace: ns).items }
            #expect(
                try await cluster.eventually(timeout: .seconds(120)) {
                    let all = try await events()
                    let started = all.filter { $0.json["reason"] == "Started" }
                        .reduce(Int64(0)) { $0 + ($1.json["count"]?.intValue ?? 1) }
                    return started == 15
                })
            let all = try await events()
            let scaling = all.first { $0.json["reason"] == "ScalingReplicaSet" }
            #expect(scaling?.json[path: ["involvedObject", "kind"]] == "Deployment")
            #expect(scaling?.json["message"]?.stringValue?.hasPrefix("Scaled up replica set web-") == true)
            let creates = all.filter { $0.json["reason"] == "SuccessfulCreate" }
            #expect(
                creates.filter { $0.json["message"]?.stringValue?.hasPrefix("Created pod: web-") == true }.count == 10)
            let combined = creates.first {
                $0.json["message"]?.stringValue?.hasPrefix("(combined from similar events)") == true
            }
            #expect(combined?.json["count"] == 5)
            for reason in ["Scheduled", "Pulled", "Created", "Started"] {
                #expect(all.contains { $0.json["reason"]?.stringValue == reason }, "\(reason)")
            }
            let kc = try cluster.kubeconfigPath()
            let describe = try await KubectlTests.kubectl(["describe", "deployment", "web", "-n", ns], kubeconfig: kc)
            #expect(describe.output.contains("ScalingReplicaSet"), "\(describe.output)")
        }
    }
}

import Foundation
import Kube
import KubeTestSupport
import NIOHTTP1
import Testing

/// `kubectl rollout history|undo`, `logs` and `exec` as on a real cluster: an undo reuses the old
/// ReplicaSet and moves the revision forward; logs tell the pod's simulated lifecycle; exec and friends get a
/// Status saying the pods are simulated.
@Suite struct KubectlRolloutAndPodTests {
    @Test func rollbackReusesTheOldReplicaSetAndPodsExplainThemselves() async throws {
        try await TestCluster.with { cluster in
            let kc = try cluster.kubeconfigPath()
            let ns = ["-n", cluster.namespace]
            func kubectl(_ arguments: [String]) async throws -> KubectlTests.Result {
                try await KubectlTests.kubectl(ns + arguments, kubeconfig: kc)
            }
            #expect(
                try await KubectlTests.kubectl(
                    ["apply", "-f", "-"] + ns, kubeconfig: kc, input: KubectlTests.deployment
                ).status == 0)
            #expect(try await kubectl(["rollout", "status", "deployment/web", "--timeout=120s"]).status == 0)
            #expect(try await kubectl(["set", "image", "deployment/web", "web=nginx:1.26"]).status == 0)
            #expect(try await kubectl(["rollout", "status", "deployment/web", "--timeout=120s"]).status == 0)
            let undo = try await kubectl(["rollout", "undo", "deployment/web"])
            #expect(undo.status == 0, "\(undo.output)")
            #expect(try await kubectl(["rollout", "status", "deployment/web", "--timeout=120s"]).status == 0)
            let history = try await kubectl(["rollout", "history", "deployment/web"]).output
            let revisions = history.split(separator: "\n").dropFirst(2).compactMap { $0.split(separator: " ").first }
            #expect(revisions == ["2", "3"], "\(history)")
            let replicaSets = try await cluster.client.list(.replicaSets, namespace: cluster.namespace).items
            #expect(
                replicaSets.count == 2, "\(replicaSets.map { $0.json[path: ["spec", "template"]]?.serialized() ?? "" })"
            )
            let current = try await cluster.client.get(.deployments, namespace: cluster.namespace, name: "web")
            #expect(current.annotations["deployment.kubernetes.io/revision"] == "3")

            let logs = try await kubectl(["logs", "deployment/web"])
            #expect(
                logs.status == 0 && logs.output.contains("simulates this container")
                    && logs.output.contains("nginx:1.25"))
            let exec = try await kubectl(["exec", "deployment/web", "--", "ls"])
            #expect(exec.status != 0 && exec.output.contains("simulates pods and runs no containers"), "\(exec.output)")
            let pod = try #require(try await cluster.client.list(.pods, namespace: cluster.namespace).items.first)
            let copy = try await kubectl(["cp", "\(pod.name):/etc/hosts", "/tmp/capstan-cp-\(UUID().uuidString)"])
            #expect(copy.status != 0 && copy.output.contains("simulates pods and runs no containers"), "\(copy.output)")
        }
    }

    /// Recording 50: a pod with several containers needs `container` for its log.
    @Test func aLogOfSeveralContainersNeedsAName() async throws {
        try await TestCluster.with(simulate: false) { cluster in
            _ = try await cluster.client.create(
                KubeObject(
                    apiVersion: "v1", kind: "Pod", name: "multi", namespace: cluster.namespace,
                    body: [
                        "spec": ["containers": [["name": "app", "image": "a"], ["name": "sidecar", "image": "b"]]]
                    ]))
            let response = try await cluster.client.sendRaw(
                method: .GET, path: "/api/v1/namespaces/\(cluster.namespace)/pods/multi/log")
            #expect(response.status == 400)
            let status = try JSON.parse(response.body)
            #expect(status["reason"] == "BadRequest")
            #expect(
                status["message"] == "a container name must be specified for pod multi, choose one of: [app sidecar]")
            let missing = try await cluster.client.sendRaw(
                method: .GET, path: "/api/v1/namespaces/\(cluster.namespace)/pods/nope/log")
            #expect(missing.status == 404)
        }
    }
}

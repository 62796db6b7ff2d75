import Foundation
import Kube
import KubeTestSupport
import Rollouts
import Testing

/// `workloadRef`: a Rollout that takes its pod template from a Deployment, with Argo's own example
/// (`workload-ref/workload-ref.yaml`) and the `scaleDown` modes.
@Suite struct RolloutWorkloadRefTests {
    static let file = RolloutLintTests.corpus.appendingPathComponent("workload-ref/workload-ref.yaml")
    let helper = RolloutControllerTests()

    func apply(_ cluster: TestCluster, _ yaml: String) async throws {
        for document in try YAML.parseAll(yaml) where document != .null {
            var object = KubeObject(document)
            object.namespace = cluster.namespace
            _ = try await cluster.client.create(object)
        }
    }

    func setDeploymentImage(_ cluster: TestCluster, _ name: String, _ image: String) async throws {
        _ = try await cluster.client.patch(
            .deployments, namespace: cluster.namespace, name: name, type: .strategicMerge,
            patch: [
                "spec": ["template": ["spec": ["containers": [["name": "rollouts-demo", "image": .string(image)]]]]]
            ])
    }

    @Test func argosExampleFollowsTheDeploymentsTemplate() async throws {
        try await withRolloutControllers { cluster, _ in
            let name = "rollout-ref-deployment"
            try await apply(cluster, try String(contentsOf: Self.file, encoding: .utf8))
            let (blue, green) = ("argoproj/rollouts-demo:blue", "argoproj/rollouts-demo:green")
            try await helper.waitFor(cluster, name, phase: "Healthy", replicas: [blue: 5])
            // A new template in the Deployment starts a canary in the Rollout: 20% of 5 is one pod.
            try await setDeploymentImage(cluster, name, green)
            try await helper.waitFor(cluster, name, phase: "Paused", step: 1, replicas: [green: 1, blue: 4])
            try await helper.waitFor(cluster, name, phase: "Healthy", step: 2, replicas: [green: 5])
            let rollout = try await helper.rollout(cluster, name)
            #expect(rollout.status?["selector"] == "app=rollout-ref-deployment")
            #expect(rollout.spec?["template"] == nil, "the Rollout itself is not changed")
        }
    }

    @Test func aMissingDeploymentIsNamedAndItsArrivalRecovers() async throws {
        try await withRolloutControllers { cluster, ns in
            let documents = try String(contentsOf: Self.file, encoding: .utf8).components(separatedBy: "\n---\n")
            let deployment = try #require(documents.first { $0.contains("kind: Deployment") })
            let rollout = try #require(documents.first { $0.contains("kind: Rollout") })
                .replacingOccurrences(
                    of: "    name: rollout-ref-deployment\n",
                    with: "    name: rollout-ref-deployment\n    scaleDown: progressively\n")
            try await apply(cluster, rollout)
            #expect(
                try await cluster.eventually {
                    let status = try await helper.rollout(cluster, "rollout-ref-deployment").status
                    return (status?["conditions"]?.arrayValue ?? []).contains {
                        $0["type"] == "InvalidSpec"
                            && $0["message"] == "spec.workloadRef: Deployment \"rollout-ref-deployment\" not found"
                    }
                })
            // The Deployment arrives with pods of its own; the Rollout takes over and scales it to zero.
            try await apply(cluster, deployment.replacingOccurrences(of: "replicas: 0", with: "replicas: 3"))
            try await helper.waitFor(
                cluster, "rollout-ref-deployment", phase: "Healthy", replicas: ["argoproj/rollouts-demo:blue": 5])
            #expect(
                try await cluster.eventually {
                    let deployment = try await cluster.client.get(
                        .deployments, namespace: ns, name: "rollout-ref-deployment")
                    return deployment.spec?["replicas"] == 0
                })
        }
    }
}

import Foundation
import Kube
import KubeTestSupport
import Testing

/// An ordinary first hour with kubectl 1.32 against the embedded cluster, in the order a new user goes:
/// create (kubectl's generators send protobuf), get with columns, describe with events, explain, edit,
/// rollout history and undo, auth can-i, and delete. Every command must succeed and print what it prints on
/// a real cluster.
@Suite struct KubectlFirstHourTests {
    @Test func anOrdinaryFirstHour() async throws {
        try await TestCluster.with { cluster in
            let kc = try cluster.kubeconfigPath()
            let shop = "shop-\(UUID().uuidString.prefix(6).lowercased())"
            func run(_ arguments: [String], namespaced: Bool = true) async throws -> String {
                let result = try await KubectlTests.kubectl(
                    arguments + (namespaced ? ["-n", shop] : []), kubeconfig: kc)
                #expect(result.status == 0, "kubectl \(arguments.joined(separator: " ")): \(result.output)")
                return result.output
            }
            func rolledOut() async throws {
                let status = try await run(["rollout", "status", "deployment/web", "--timeout=120s"])
                #expect(status.contains("successfully rolled out"), "\(status)")
            }
            #expect(try await run(["create", "namespace", shop], namespaced: false).contains("created"))
            _ = try await run(["create", "deployment", "web", "--image=nginx:1.25", "--replicas=2"])
            _ = try await run(["create", "configmap", "settings", "--from-literal=mode=fast"])
            _ = try await run(["create", "service", "clusterip", "web", "--tcp=80:80"])
            try await rolledOut()

            let all = try await run(["get", "deploy,rs,pods,svc"])
            for header in [
                "READY   UP-TO-DATE   AVAILABLE", "DESIRED   CURRENT   READY", "STATUS    RESTARTS",
                "TYPE        CLUSTER-IP",
            ] {
                #expect(all.contains(header), "no \(header) in\n\(all)")
            }
            let deployment = try await run(["describe", "deployment", "web"])
            #expect(deployment.contains("Events:") && deployment.contains("ScalingReplicaSet"), "\(deployment)")
            let pods = try await run(["describe", "pods"])
            #expect(pods.contains("Scheduled") && pods.contains("Started"), "\(pods)")
            let explained = try await run(["explain", "deployment.spec.replicas"], namespaced: false)
            #expect(explained.contains("FIELD: replicas <integer>"), "\(explained)")

            let edit = try await ChildProcess.run(
                [
                    "env", "EDITOR=sed -i s/nginx:1.25/nginx:1.26/", "kubectl", "--kubeconfig", kc, "edit",
                    "deployment/web", "-n", shop,
                ])
            #expect(edit.status == 0 && edit.output.contains("edited"), "\(edit.output)")
            try await rolledOut()
            _ = try await run(["rollout", "undo", "deployment/web"])
            try await rolledOut()
            let history = try await run(["rollout", "history", "deployment/web"])
            let revisions = history.split(separator: "\n").dropFirst(2).compactMap { $0.split(separator: " ").first }
            #expect(revisions == ["2", "3"], "\(history)")
            let image = try await run(["get", "deployment", "web", "-o", "jsonpath={..image}"])
            #expect(image == "nginx:1.25")

            #expect(try await run(["auth", "can-i", "create", "deployments"]).hasPrefix("yes"))
            let events = try await run(["events", "--types=Normal"])
            #expect(events.contains("ScalingReplicaSet") && events.contains("SuccessfulCreate"), "\(events)")

            #expect(try await run(["delete", "namespace", shop], namespaced: false).contains("deleted"))
            #expect(
                try await cluster.eventually(timeout: .seconds(120)) {
                    let left = try await KubectlTests.kubectl(["get", "namespace", shop], kubeconfig: kc)
                    return left.status != 0 && left.output.contains("NotFound")
                })
        }
    }
}

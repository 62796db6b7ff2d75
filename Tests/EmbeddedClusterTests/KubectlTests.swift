import Foundation
import Kube
import KubeTestSupport
import Synchronization
import Testing

/// kubectl as a real client against the embedded server.
@Suite(.serialized) struct KubectlTests {
    struct Result {
        let status: Int32
        let output: String
    }

    static func kubectl(_ arguments: [String], kubeconfig: String, input: String? = nil) async throws -> Result {
        let output = try await ChildProcess.run(["kubectl", "--kubeconfig", kubeconfig] + arguments, input: input)
        return Result(status: output.status, output: output.output)
    }

    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 2
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: web
                image: nginx:1.25
        """

    @Test func applyRolloutScalePatchGetDelete() async throws {
        try await TestCluster.with { cluster in
            let kc = try cluster.kubeconfigPath()
            let ns = ["-n", cluster.namespace]
            var r = try await Self.kubectl(["apply", "-f", "-"] + ns, kubeconfig: kc, input: Self.deployment)
            #expect(r.status == 0, "\(r.output)")
            r = try await Self.kubectl(["rollout", "status", "deployment/web", "--timeout=60s"] + ns, kubeconfig: kc)
            #expect(r.status == 0 && r.output.contains("successfully rolled out"), "\(r.output)")
            r = try await Self.kubectl(
                ["apply", "-f", "-"] + ns, kubeconfig: kc,
                input: Self.deployment.replacingOccurrences(of: "nginx:1.25", with: "nginx:1.26"))
            #expect(r.status == 0, "\(r.output)")
            r = try await Self.kubectl(["rollout", "status", "deployment/web", "--timeout=60s"] + ns, kubeconfig: kc)
            #expect(r.status == 0, "\(r.output)")
            r = try await Self.kubectl(["scale", "deployment/web", "--replicas=3"] + ns, kubeconfig: kc)
            #expect(r.status == 0, "\(r.output)")
            for (type, patch) in [
                ("merge", #"{"metadata":{"labels":{"m":"1"}}}"#),
                ("json", #"[{"op":"add","path":"/metadata/labels/j","value":"2"}]"#),
                ("strategic", #"{"metadata":{"labels":{"s":"3"}}}"#),
            ] {
                r = try await Self.kubectl(
                    ["patch", "deployment", "web", "--type", type, "-p", patch] + ns, kubeconfig: kc)
                #expect(r.status == 0, "\(r.output)")
            }
            r = try await Self.kubectl(["get", "deployment", "web", "-o", "yaml"] + ns, kubeconfig: kc)
            let live = try YAML.parse(r.output)
            #expect(live[path: ["spec", "replicas"]] == .int(3))
            #expect(live[path: ["spec", "template", "spec", "containers"]]?[0]?["image"] == "nginx:1.26")
            #expect(KubeObject(live).labels == ["m": "1", "j": "2", "s": "3"])
            r = try await Self.kubectl(["delete", "deployment", "web"] + ns, kubeconfig: kc)
            #expect(r.status == 0, "\(r.output)")
            #expect(
                try await cluster.eventually {
                    try await cluster.client.list(.replicaSets, namespace: cluster.namespace).items.isEmpty
                })
        }
    }

    @Test func serverSideApplyAndCustomResources() async throws {
        try await TestCluster.with { cluster in
            let kc = try cluster.kubeconfigPath()
            let crd = """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: widgets.example.capstan.io}
                spec:
                  group: example.capstan.io
                  scope: Namespaced
                  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
                  versions:
                  - name: v1
                    served: true
                    storage: true
                    subresources: {status: {}}
                    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
                """
            var r = try await Self.kubectl(["apply", "--server-side", "-f", "-"], kubeconfig: kc, input: crd)
            #expect(r.status == 0, "\(r.output)")
            let widget = "apiVersion: example.capstan.io/v1\nkind: Widget\nmetadata: {name: w1}\nspec: {size: 3}\n"
            r = try await Self.kubectl(["apply", "-f", "-", "-n", cluster.namespace], kubeconfig: kc, input: widget)
            #expect(r.status == 0, "\(r.output)")
            r = try await Self.kubectl(
                ["get", "wd", "w1", "-n", cluster.namespace, "-o", "jsonpath={.spec.size}"], kubeconfig: kc)
            #expect(r.output == "3", "\(r.output)")
            r = try await Self.kubectl(["api-resources"], kubeconfig: kc)
            #expect(r.status == 0 && r.output.contains("widgets") && r.output.contains("deployments"), "\(r.output)")
        }
    }

    @Test func getWatchSeesChanges() async throws {
        try await TestCluster.with { cluster in
            let kc = try cluster.kubeconfigPath()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "kubectl", "--kubeconfig", kc, "get", "configmaps", "-w", "-n", cluster.namespace,
                "--request-timeout=30s", "-o", "name",
            ]
            let out = Pipe()
            process.standardOutput = out
            let received = Mutex("")
            out.fileHandleForReading.readabilityHandler = { handle in
                let chunk = String(decoding: handle.availableData, as: UTF8.self)
                received.withLock { $0 += chunk }
            }
            try process.run()
            try await Task.sleep(for: .milliseconds(500))
            _ = try await cluster.client.create(Fixtures.configMap("watched", namespace: cluster.namespace))
            let deadline = ContinuousClock.now + .seconds(20)
            while !received.withLock({ $0.contains("watched") }) && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            out.fileHandleForReading.readabilityHandler = nil
            process.terminate()
            let seen = received.withLock { $0 }
            #expect(seen.contains("configmap/watched"), "\(seen)")
        }
    }
}

import Foundation
import Kube
import KubeTestSupport
import Testing

/// The official Kubernetes Python client (PyPI `kubernetes`, installed by `scripts/install-deps.sh`) lists
/// and reads every built-in kind the embedded cluster serves through its typed APIs, which refuse a response
/// whose fields have the wrong type or miss a required one (a pod without `imageID` once failed the whole
/// list).
@Suite struct TypedClientTests {
    static let clientPath = "/usr/local/lib/capstan/python"
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Scripts/typed_client_reads.py").path

    @Test func thePythonClientReadsEveryServedKind() async throws {
        try #require(
            FileManager.default.fileExists(atPath: Self.clientPath + "/kubernetes"),
            "the Kubernetes Python client is missing: run scripts/install-deps.sh")
        try await TestCluster.with { cluster in
            let ns = cluster.namespace
            _ = try await cluster.client.create(Fixtures.deployment("web", namespace: ns, replicas: 1))
            _ = try await cluster.client.create(
                KubeObject(
                    apiVersion: "v1", kind: "Service", name: "web", namespace: ns,
                    body: ["spec": ["selector": ["app": "web"], "ports": [["port": 80]]]]))
            #expect(
                try await cluster.eventually(timeout: .seconds(120)) {
                    try await cluster.client.list(.pods, namespace: ns).items.contains {
                        $0.status?["phase"] == "Running"
                    }
                })
            let run = try await ChildProcess.run(
                ["env", "PYTHONPATH=\(Self.clientPath)", "python3", Self.script, try cluster.kubeconfigPath()])
            #expect(run.status == 0, "\(run.output)")
            let report = try JSON.parse(Array(run.output.utf8))
            let results = report["results"]?.objectValue ?? [:]
            let failures = results.filter { $0.value != "ok" }
            #expect(failures.isEmpty, "\(failures)")
            #expect(results.count >= 45, "only \(results.count) kinds: \(results.keys.sorted())")
        }
    }
}

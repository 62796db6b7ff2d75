import Foundation
import Kube
import KubeTestSupport
import Logging
import Sync

/// An embedded cluster, a Git repository and a running ApplicationController, for one test.
final class SyncHarness: Sendable {
    let cluster: TestCluster
    let repo: GitFixture
    let controller: ApplicationController
    var client: KubeClient { cluster.client }
    var namespace: String { cluster.namespace }

    static func start(pollInterval: Duration = .seconds(60)) async throws -> SyncHarness {
        let cluster = try await TestCluster.start()
        let repo = try GitFixture()
        let controller = try await startController(cluster: cluster, pollInterval: pollInterval)
        return SyncHarness(cluster: cluster, repo: repo, controller: controller)
    }

    /// A started controller for the test's namespace, as a restarted process would be: nothing cached.
    static func startController(cluster: TestCluster, pollInterval: Duration) async throws -> ApplicationController {
        var options = ApplicationController.Options(
            namespace: cluster.namespace,
            cacheDirectory: FileManager.default.temporaryDirectory.appendingPathComponent(
                "capstan-sync-\(cluster.namespace)"))
        options.pollInterval = pollInterval
        options.selfHealDelay = .milliseconds(100)
        options.stepTimeout = .seconds(30)
        var logger = Logger(label: "capstan.test.sync")
        logger.logLevel = .critical
        let controller = ApplicationController(client: cluster.client, options: options, logger: logger)
        try await controller.start()
        return controller
    }

    /// Starts a harness, runs `body` and always awaits `shutdown()`.
    static func with<T>(
        pollInterval: Duration = .seconds(60), _ body: (SyncHarness) async throws -> T
    ) async throws -> T {
        let harness = try await start(pollInterval: pollInterval)
        return try await withAwaitedTeardown(harness, teardown: { await $0.shutdown() }, body)
    }

    init(cluster: TestCluster, repo: GitFixture, controller: ApplicationController) {
        self.cluster = cluster
        self.repo = repo
        self.controller = controller
    }

    func shutdown() async {
        await controller.stop()
        await cluster.shutdown()
        repo.remove()
    }

    /// Creates an Application in Argo CD's own form.
    @discardableResult
    func createApp(
        _ name: String, path: String, automated: JSON? = nil, syncOptions: [String] = [],
        extraSpec: [String: JSON] = [:]
    ) async throws -> KubeObject {
        var spec: [String: JSON] = [
            "project": "default",
            "source": ["repoURL": .string(repo.fileURL), "path": .string(path), "targetRevision": "main"],
            "destination": ["server": "https://kubernetes.default.svc", "namespace": .string(namespace)],
        ]
        var policy: [String: JSON] = [:]
        if let automated { policy["automated"] = automated }
        if !syncOptions.isEmpty { policy["syncOptions"] = .array(syncOptions.map(JSON.string)) }
        if !policy.isEmpty { spec["syncPolicy"] = .object(policy) }
        spec.merge(extraSpec) { _, new in new }
        return try await client.create(
            KubeObject(
                apiVersion: "argoproj.io/v1alpha1", kind: "Application", name: name,
                namespace: namespace, body: ["spec": .object(spec)]))
    }

    func app(_ name: String) async throws -> KubeObject {
        try await client.get(Application.gvr, namespace: namespace, name: name)
    }

    /// Everything the controller wrote that a user can read: the Application and the namespace's Events, as text.
    func statusAndEvents(_ name: String) async throws -> String {
        try await app(name).json.serialized()
            + (try await client.list(.events, namespace: namespace).items.map { $0.json.serialized() }.joined())
    }

    /// Waits until the Application's status satisfies `condition`.
    func waitForApp(
        _ name: String, timeout: Duration = .seconds(90), _ condition: @escaping (JSON) -> Bool
    ) async throws -> Bool {
        try await cluster.eventually(timeout: timeout) { condition(try await app(name).status ?? .object([:])) }
    }

    func refresh(_ name: String, hard: Bool = false) async throws {
        _ = try await client.patch(
            Application.gvr, namespace: namespace, name: name, type: .merge,
            patch: ["metadata": ["annotations": ["argocd.argoproj.io/refresh": .string(hard ? "hard" : "normal")]]])
    }

    func sync(_ name: String, prune: Bool = false, revision: String? = nil, dryRun: Bool = false) async throws {
        _ = try await client.patch(
            Application.gvr, namespace: namespace, name: name, type: .merge,
            patch: [
                "operation": SyncOperation.request(
                    revision: revision, prune: prune, automated: false, username: "test", dryRun: dryRun)
            ])
    }

    func configMap(_ name: String) async -> KubeObject? {
        try? await client.get(.configMaps, namespace: namespace, name: name)
    }
}

extension JSON {
    var syncStatus: String? { self[path: ["sync", "status"]]?.stringValue }
    var healthStatus: String? { self[path: ["health", "status"]]?.stringValue }
    var operationPhase: String? { self[path: ["operationState", "phase"]]?.stringValue }
}

enum Manifests {
    static func configMap(_ name: String, _ data: [String: String], annotations: [String: String] = [:]) -> String {
        var text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \(name)\n"
        if !annotations.isEmpty {
            text +=
                "  annotations:\n"
                + annotations.sorted { $0.key < $1.key }.map { "    \($0.key): \"\($0.value)\"\n" }.joined()
        }
        text += "data:\n" + data.sorted { $0.key < $1.key }.map { "  \($0.key): \"\($0.value)\"\n" }.joined()
        return text
    }

    static func deployment(
        _ name: String, image: String = "nginx:1.25", replicas: Int = 2, annotations: [String: String] = [:]
    ) -> String {
        Fixtures.deploymentManifest(name, image: image, replicas: replicas, annotations: annotations)
    }

    static func job(_ name: String, hook: String, fail: Bool = false, deletePolicy: String? = nil) -> String {
        var annotations = "    argocd.argoproj.io/hook: \(hook)\n"
        if let deletePolicy { annotations += "    argocd.argoproj.io/hook-delete-policy: \(deletePolicy)\n" }
        return """
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: \(name)
              annotations:
            \(annotations)spec:
              backoffLimit: 0
              template:
                metadata:
                  annotations: {capstan.io/simulate: "\(fail ? "fail" : "")"}
                spec:
                  restartPolicy: Never
                  containers: [{name: job, image: busybox}]

            """
    }
}

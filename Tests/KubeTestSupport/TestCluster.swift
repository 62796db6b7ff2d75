import EmbeddedCluster
import Foundation
import Kube
import Logging

/// A cluster for a test: the embedded server on an ephemeral port, or, when `CAPSTAN_TEST_KUBECONFIG` names a
/// kubeconfig, that real cluster (the conformance suite runs unchanged against both).
public final class TestCluster: Sendable {
    public let client: KubeClient
    public let embedded: EmbeddedCluster?
    /// A namespace made for this test, deleted by `shutdown()`.
    public let namespace: String

    /// With `metrics`, the embedded cluster also generates Service traffic and serves its metrics
    /// (`embedded.metricsTarget`) for a Prometheus to scrape.
    public static func start(
        token: String? = nil, simulate: Bool = true, dataPath: String? = nil, metrics: Bool = false
    ) async throws
        -> TestCluster
    {
        var logger = Logger(label: "capstan.test")
        logger.logLevel = .error
        let config: ClusterConfig
        var embedded: EmbeddedCluster?
        if let path = ProcessInfo.processInfo.environment["CAPSTAN_TEST_KUBECONFIG"], !path.isEmpty {
            config = try KubeConfig.load(environment: ["KUBECONFIG": path]).clusterConfig()
        } else {
            var options = EmbeddedCluster.Options(
                dataPath: dataPath, token: token, bookmarkInterval: .milliseconds(200),
                simulateWorkloads: simulate, podStartDelay: .milliseconds(100))
            options.simulatedMetricsPort = metrics ? 0 : nil
            let cluster = try await EmbeddedCluster.start(options, logger: logger)
            embedded = cluster
            config = cluster.clusterConfig
        }
        let client = try KubeClient(config: config, logger: logger)
        let namespace = "t-" + UUID().uuidString.lowercased().prefix(8)
        _ = try await client.create(KubeObject(apiVersion: "v1", kind: "Namespace", name: String(namespace)))
        return TestCluster(client: client, embedded: embedded, namespace: String(namespace))
    }

    /// Starts a cluster, runs `body` with it and always awaits `shutdown()`, also when `body` throws.
    public static func with<T>(
        token: String? = nil, simulate: Bool = true, dataPath: String? = nil, metrics: Bool = false,
        _ body: (TestCluster) async throws -> T
    ) async throws -> T {
        let cluster = try await start(token: token, simulate: simulate, dataPath: dataPath, metrics: metrics)
        return try await withAwaitedTeardown(cluster, teardown: { await $0.shutdown() }, body)
    }

    init(client: KubeClient, embedded: EmbeddedCluster?, namespace: String) {
        self.client = client
        self.embedded = embedded
        self.namespace = namespace
    }

    /// Writes a kubeconfig for kubectl and returns its path.
    public func kubeconfigPath() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("capstan-\(namespace).kubeconfig").path
        if let embedded {
            try embedded.writeKubeconfig(to: path)
        } else if let real = ProcessInfo.processInfo.environment["CAPSTAN_TEST_KUBECONFIG"] {
            return real
        }
        return path
    }

    public func shutdown() async {
        _ = try? await client.delete(.namespaces, name: namespace)
        try? await client.shutdown()
        await embedded?.stop()
    }

    /// Polls `condition` until it holds or `timeout` passes (for effects of controllers, not for timing).
    public func eventually(timeout: Duration = .seconds(60), _ condition: () async throws -> Bool) async throws -> Bool
    {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    /// Waits until an Event in `namespace` (the test's by default) satisfies `match`. Controllers write their
    /// Events in the background, a moment after the state they describe.
    public func eventually(
        event match: @escaping (KubeObject) -> Bool, namespace: String? = nil
    ) async throws -> Bool {
        try await eventually {
            try await client.list(.events, namespace: namespace ?? self.namespace).items.contains(where: match)
        }
    }
}

/// Object builders shared by tests.
public enum Fixtures {
    public static func configMap(
        _ name: String, namespace: String, data: [String: String] = ["a": "1"],
        labels: [String: String] = [:]
    ) -> KubeObject {
        var object = KubeObject(
            apiVersion: "v1", kind: "ConfigMap", name: name, namespace: namespace,
            body: ["data": .object(data.mapValues(JSON.string))])
        object.labels = labels
        return object
    }

    public static func deployment(
        _ name: String, namespace: String, replicas: Int = 2, image: String = "nginx:1.25"
    )
        -> KubeObject
    {
        KubeObject(
            apiVersion: "apps/v1", kind: "Deployment", name: name, namespace: namespace,
            body: [
                "spec": [
                    "replicas": .int(Int64(replicas)), "selector": ["matchLabels": ["app": .string(name)]],
                    "template": [
                        "metadata": ["labels": ["app": .string(name)]],
                        "spec": ["containers": [["name": "app", "image": .string(image)]]],
                    ],
                ]
            ])
    }

    /// A Deployment manifest as YAML text, as a user would commit it.
    public static func deploymentManifest(
        _ name: String, image: String = "nginx:1.25", replicas: Int = 2, annotations: [String: String] = [:]
    ) -> String {
        var text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: \(name)\n"
        if !annotations.isEmpty {
            text +=
                "  annotations:\n"
                + annotations.sorted { $0.key < $1.key }.map { "    \($0.key): \"\($0.value)\"\n" }.joined()
        }
        return text + """
            spec:
              replicas: \(replicas)
              selector:
                matchLabels: {app: \(name)}
              template:
                metadata:
                  labels: {app: \(name)}
                spec:
                  containers:
                  - name: app
                    image: \(image)

            """
    }
}

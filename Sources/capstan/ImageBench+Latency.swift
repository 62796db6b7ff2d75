import Foundation
import ImageUpdater
import Kube
import Logging
import Operator
import Registry
import Sync

extension ImageBench {
    /// From a push to the real registry to the write-back commit on the Application's branch, with the
    /// registry notifying Capstan (the poll interval is an hour, so only the notification can trigger it). The
    /// cluster is the embedded one in a child process; Git is a bare repository on disk.
    func measurePushToCommit(samples: Int, in work: URL) async throws {
        var logger = Logger(label: "capstan.bench")
        logger.logLevel = .error
        let server = try ServerProcess(dataDir: work.appendingPathComponent("cluster").path, inMemory: true)
        defer { server.stop() }
        let client = try KubeClient(config: try server.clusterConfig(), logger: logger, qps: 0, burst: 0)
        _ = try await client.create(KubeObject(apiVersion: "v1", kind: "Namespace", name: "bench"))
        var options = ApplicationController.Options(
            namespace: "bench", cacheDirectory: work.appendingPathComponent("sync-cache"))
        options.pollInterval = .seconds(3600)
        let applications = ApplicationController(client: client, options: options, logger: logger)
        try await applications.start()
        var imageOptions = ImageUpdateController.Options(
            namespace: "bench", controllerNamespace: "bench", cacheDirectory: work.appendingPathComponent("write-back"))
        imageOptions.interval = .seconds(3600)
        let images = ImageUpdateController(client: client, options: imageOptions, logger: logger) { app in
            for source in Sync.Application(app).sources { _ = await applications.refresh(repository: source.repoURL) }
        }
        try await images.start()
        let webhook = try await WebhookServer(controller: applications, images: images, logger: logger).start(port: 0)
        let registry = try RegistryProcess(
            directory: work.appendingPathComponent("notifying-registry").path,
            notify: "http://127.0.0.1:\(webhook.port)/api/registry-webhook")
        defer { registry.stop() }
        let pusher = ImagePusher(url: registry.url)
        try await pusher.push("bench/api", tag: "1.0.0")
        let remote = try Self.repository(in: work, image: "\(registry.host)/bench/api")
        _ = try await client.create(
            KubeObject(
                apiVersion: "v1", kind: "ConfigMap", name: UpdaterConfigSource.configMapName, namespace: "bench",
                body: [
                    "data": [
                        "registries.conf": .string(
                            "registries:\n- prefix: \(registry.host)\n  api_url: \(registry.url)\n  limit: 100\n")
                    ]
                ]))
        _ = try await client.create(Self.application(repoURL: "file://" + remote, image: "\(registry.host)/bench/api"))
        try await waitForLive(client, tag: "1.0.0", image: "\(registry.host)/bench/api")
        var latencies: [Double] = []
        for sample in 1...max(samples, 1) {
            let before = await images.writeBacks
            // Timed from the start of the push, its blob uploads included: an upper bound on the latency.
            let pushed = ContinuousClock.now
            try await pusher.push("bench/api", tag: "1.\(sample).0")
            while await images.writeBacks == before {
                guard ContinuousClock.now - pushed < .seconds(60) else {
                    throw CommandError("no write-back within 60 s of pushing 1.\(sample).0")
                }
                try await Task.sleep(for: .milliseconds(2))
            }
            latencies.append((ContinuousClock.now - pushed).seconds * 1000)
            try await waitForLive(client, tag: "1.\(sample).0", image: "\(registry.host)/bench/api")
        }
        print(
            String(
                format: "registry push to Git commit (notification): p50 %.0f ms, max %.0f ms over %d pushes "
                    + "(target < 1000 ms)",
                ClusterMeasurements.percentile(latencies, 0.5), latencies.max() ?? 0, latencies.count))
        await webhook.server.stop()
        await images.stop()
        await applications.stop()
        await shutDown("the Kubernetes client") { try await client.shutdown() }
    }

    /// Waits until the Application reports `image:tag` live (synced), so the next push starts from rest.
    func waitForLive(_ client: KubeClient, tag: String, image: String) async throws {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < .seconds(60) {
            let app = try await client.get(Sync.Application.gvr, namespace: "bench", name: "api")
            let live = app.status?[path: ["summary", "images"]]?.arrayValue ?? []
            if live == [.string("\(image):\(tag)")] { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw CommandError("the Application did not run \(image):\(tag) within 60 s")
    }

    /// A Kustomize app in a bare repository (what a write-back pushes to); returns the bare repository's path.
    static func repository(in work: URL, image: String) throws -> String {
        let path = work.appendingPathComponent("repo").path
        try FileManager.default.createDirectory(atPath: path + "/api", withIntermediateDirectories: true)
        let deployment = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: api}
            spec:
              selector: {matchLabels: {app: api}}
              template:
                metadata: {labels: {app: api}}
                spec:
                  containers:
                  - {name: api, image: "\(image):1.0.0"}

            """
        try deployment.write(toFile: path + "/api/deployment.yaml", atomically: false, encoding: .utf8)
        try "resources:\n- deployment.yaml\nimages:\n- name: \(image)\n  newTag: 1.0.0\n".write(
            toFile: path + "/api/kustomization.yaml", atomically: false, encoding: .utf8)
        let identity = ["-c", "user.email=bench@capstan.invalid", "-c", "user.name=bench"]
        try BenchRepository.git(["init", "-q", "-b", "main"], in: path)
        try BenchRepository.git(identity + ["add", "-A"], in: path)
        try BenchRepository.git(identity + ["commit", "-q", "-m", "bench"], in: path)
        let bare = work.appendingPathComponent("remote.git").path
        try BenchRepository.git(["clone", "-q", "--bare", path, bare], in: work.path)
        return bare
    }

    static func application(repoURL: String, image: String) -> KubeObject {
        var app = KubeObject(
            apiVersion: "argoproj.io/v1alpha1", kind: "Application", name: "api", namespace: "bench",
            body: [
                "spec": [
                    "project": "default",
                    "source": ["repoURL": .string(repoURL), "path": "api", "targetRevision": "main"],
                    "destination": ["server": "https://kubernetes.default.svc", "namespace": "bench"],
                    "syncPolicy": ["automated": ["prune": true]],
                ]
            ])
        app.annotations = [
            ImageUpdateAnnotations.prefix + "image-list": "api=\(image)",
            ImageUpdateAnnotations.prefix + "write-back-method": "git",
            ImageUpdateAnnotations.prefix + "write-back-target": "kustomization",
        ]
        return app
    }
}

import Foundation
import Git
import ImageUpdater
import Kube
import KubeTestSupport
import Logging
import Operator
import Sync

/// Everything an image update goes through, real, for one test: the embedded cluster, Debian's
/// `docker-registry`, a Git repository with a bare remote (what the controllers clone and push to), the sync
/// reconciler and the image updater, wired as `capstan controller` wires them.
final class ImageUpdaterHarness: Sendable {
    let cluster: TestCluster
    let registry: RegistryServer
    let repo: GitFixture
    /// The bare remote Applications point at (`file://`).
    let remote: String
    let applications: ApplicationController
    let images: ImageUpdateController
    var client: KubeClient { cluster.client }
    var namespace: String { cluster.namespace }
    /// `file://` of the remote, or its smart-HTTP URL (basic auth, credentials in a repository Secret).
    let repoURL: String
    let gitServer: LocalHTTPServer?

    /// `files` is the repository's first commit, given the registry's `host:port`; `interval` the image check
    /// interval; `httpRemote` serves the remote over smart HTTP with basic auth instead of `file://`.
    static func with(
        files: (String) -> [String: String], interval: Duration = .seconds(1), notifications: Bool = false,
        httpRemote: Bool = false, _ body: (ImageUpdaterHarness) async throws -> Void
    ) async throws {
        let cluster = try await TestCluster.start()
        // The webhook's port is chosen first: the registry is told where to post before it starts.
        let webhookPort = notifications ? try LoopbackPort.free() : nil
        let registry = try RegistryServer(
            notify: webhookPort.map { "http://127.0.0.1:\($0)/api/registry-webhook" })
        let repo = try GitFixture()
        try repo.commit(files(registry.host))
        let remote = repo.path + ".git"
        _ = try GitFixture.run(["git", "clone", "-q", "--bare", repo.path, remote])
        try repo.git("remote", "add", "origin", remote)
        let gitServer =
            httpRemote
            ? try await GitHTTPServer.start(
                root: (remote as NSString).deletingLastPathComponent, username: Self.gitUser, password: Self.gitPassword
            )
            : nil
        let repoURL =
            gitServer.map { "http://127.0.0.1:\($0.port)/\((remote as NSString).lastPathComponent)" } ?? "file://"
            + remote
        var logger = Logger(label: "capstan.test.images")
        logger.logLevel = ProcessInfo.processInfo.environment["CAPSTAN_TEST_LOG"] == nil ? .critical : .info
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("capstan-images-\(cluster.namespace)")
        var syncOptions = ApplicationController.Options(
            namespace: cluster.namespace, cacheDirectory: cache.appendingPathComponent("sync"))
        syncOptions.stepTimeout = .seconds(30)
        let applications = ApplicationController(client: cluster.client, options: syncOptions, logger: logger)
        var options = ImageUpdateController.Options(
            namespace: cluster.namespace, controllerNamespace: cluster.namespace,
            cacheDirectory: cache.appendingPathComponent("write-back"))
        options.interval = interval
        options.environment = [:]
        let images = ImageUpdateController(client: cluster.client, options: options, logger: logger) { app in
            for source in Sync.Application(app).sources { _ = await applications.refresh(repository: source.repoURL) }
        }
        let harness = ImageUpdaterHarness(
            cluster: cluster, registry: registry, repo: repo, remote: remote, repoURL: repoURL, gitServer: gitServer,
            applications: applications, images: images)
        try await withAwaitedTeardown(harness, teardown: { await $0.shutdown() }) { harness in
            try await harness.writeRegistriesConf()
            if gitServer != nil { try await harness.createRepositorySecret() }
            try await applications.start()
            try await images.start()
            if let webhookPort {
                let webhook = try await WebhookServer(controller: applications, images: images, logger: logger)
                    .start(port: webhookPort)
                try await withAwaitedTeardown(webhook.server, teardown: { await $0.stop() }) { _ in
                    try await body(harness)
                }
            } else {
                try await body(harness)
            }
        }
    }

    init(
        cluster: TestCluster, registry: RegistryServer, repo: GitFixture, remote: String, repoURL: String,
        gitServer: LocalHTTPServer?, applications: ApplicationController, images: ImageUpdateController
    ) {
        self.cluster = cluster
        self.registry = registry
        self.repo = repo
        self.remote = remote
        self.repoURL = repoURL
        self.gitServer = gitServer
        self.applications = applications
        self.images = images
    }

    func shutdown() async {
        await images.stop()
        await applications.stop()
        await gitServer?.stop()
        await cluster.shutdown()
        registry.stop()
        repo.remove()
        try? FileManager.default.removeItem(atPath: remote)  // a leftover temporary folder is harmless
    }

    static let gitUser = "image-updater"
    static let gitPassword = "push-token-1"

    /// Argo CD's repository Secret for the remote: the sync reconciler reads with it, the updater pushes with it.
    func createRepositorySecret() async throws {
        var secret = KubeObject(
            apiVersion: "v1", kind: "Secret", name: "repo", namespace: namespace,
            body: [
                "data": .object(
                    ["url": repoURL, "username": Self.gitUser, "password": Self.gitPassword].mapValues {
                        .string(Data($0.utf8).base64EncodedString())
                    })
            ])
        secret.labels = ["argocd.argoproj.io/secret-type": "repository"]
        _ = try await client.create(secret)
    }

    /// `registries.conf` naming the test registry, plain HTTP, as Argo's documentation writes it.
    func writeRegistriesConf(extra: String = "", settings: [String: String] = [:], apiURL: String? = nil) async throws {
        let conf = """
            registries:
            - name: test
              prefix: \(registry.host)
              api_url: \(apiURL ?? registry.url)
              limit: 50
            \(extra)
            """
        let data = settings.merging(["registries.conf": conf]) { _, new in new }
        let configMap = Fixtures.configMap(UpdaterConfigSource.configMapName, namespace: namespace, data: data)
        if try await client.getIfExists(.configMaps, namespace: namespace, name: configMap.name) != nil {
            _ = try await client.patch(
                .configMaps, namespace: namespace, name: configMap.name, type: .merge,
                patch: ["data": .object(data.mapValues(JSON.string))])
        } else {
            _ = try await client.create(configMap)
        }
    }

    /// An automated Application in Argo CD's form with image updater annotations.
    @discardableResult
    func createApp(
        _ name: String, path: String, annotations: [String: String], source: [String: JSON] = [:]
    )
        async throws -> KubeObject
    {
        var sourceSpec: [String: JSON] = [
            "repoURL": .string(repoURL), "path": .string(path), "targetRevision": "main",
        ]
        sourceSpec.merge(source) { _, new in new }
        var app = KubeObject(
            apiVersion: "argoproj.io/v1alpha1", kind: "Application", name: name, namespace: namespace,
            body: [
                "spec": [
                    "project": "default", "source": .object(sourceSpec),
                    "destination": ["server": "https://kubernetes.default.svc", "namespace": .string(namespace)],
                    "syncPolicy": ["automated": ["prune": true, "selfHeal": true]],
                ]
            ])
        app.annotations = annotations.reduce(into: [:]) { $0[ImageUpdateAnnotations.prefix + $1.key] = $1.value }
        return try await client.create(app)
    }

    /// The image of the first container of Deployment `name`.
    func deploymentImage(_ name: String) async throws -> String? {
        let deployment = try await client.getIfExists(.deployments, namespace: namespace, name: name)
        return deployment?.json[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first?["image"]?
            .stringValue
    }

    /// `status.phase` of Rollout `name`.
    func rolloutPhase(_ name: String) async throws -> String? {
        let gvr = GroupVersionResource(group: "argoproj.io", version: "v1alpha1", resource: "rollouts")
        return try await client.getIfExists(gvr, namespace: namespace, name: name)?.json[path: ["status", "phase"]]?
            .stringValue
    }

    /// A git command on the remote repository, run off the cooperative pool (see `ChildProcess.offThePool`).
    func remoteGit(_ arguments: String...) async throws -> String {
        let command = ["git", "--git-dir", remote] + arguments
        return try await ChildProcess.offThePool { try GitFixture.run(command) }
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Reasons and messages of the Events about `name`.
    func events(about name: String) async throws -> [(reason: String, message: String)] {
        try await client.list(.events, namespace: namespace).items
            .filter { $0.json[path: ["involvedObject", "name"]]?.stringValue == name }
            .map { ($0.json["reason"]?.stringValue ?? "", $0.json["message"]?.stringValue ?? "") }
    }

    static func deployment(_ name: String, image: String) -> String {
        Fixtures.deploymentManifest(name, image: image, replicas: 1)
    }
}

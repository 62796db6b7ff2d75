import ArgumentParser
import AsyncHTTPClient
import Foundation
import Kube
import Logging
import NIOCore
import NIOHTTP1
import Operator
import Sync

/// `capstan bench sync`: many Applications in one Git repository against the embedded API server (a child
/// process, so the figures are the controller's own): cold first sync, one steady-state reconcile of all,
/// commit-to-applied latency through the push webhook, and the controller's resident memory.
struct SyncBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "Measure the Application controller.")
    @Option(help: "Applications.") var apps: Int = 1000
    @Option(help: "Objects (ConfigMaps) per Application.") var objects: Int = 20
    @Option(help: "Commit-to-applied samples.") var samples: Int = 5

    func run() async throws {
        var logger = Logger(label: "capstan.bench")
        logger.logLevel = .error
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("capstan-syncbench-\(getpid())")
        defer { try? FileManager.default.removeItem(at: work) }
        let server = try ServerProcess(dataDir: work.appendingPathComponent("cluster").path, inMemory: true)
        defer { server.stop() }
        let client = try KubeClient(config: try server.clusterConfig(), logger: logger, qps: 0, burst: 0)
        let repo = try BenchRepository(at: work.appendingPathComponent("repo").path, apps: apps, objects: objects)
        _ = try await client.create(KubeObject(apiVersion: "v1", kind: "Namespace", name: "bench"))
        var options = ApplicationController.Options(
            namespace: "bench", cacheDirectory: work.appendingPathComponent("cache"))
        options.pollInterval = .seconds(3600)
        options.workers = 8
        options.memoryTrimInterval = .seconds(5)
        let controller = ApplicationController(client: client, options: options, logger: logger)
        try await controller.start()
        let webhook = try await WebhookServer(controller: controller, logger: logger).start(port: 0)
        print("capstan bench sync: \(apps) Applications x \(objects) ConfigMaps in one repository")

        let coldStart = ContinuousClock.now
        for index in 0..<apps { _ = try await client.create(repo.application(index)) }
        try await waitUntil(client: client) {
            $0.allSatisfy { $0.status?[path: ["sync", "status"]]?.stringValue == "Synced" }
        }
        print(
            String(
                format: "  cold first sync of all:            %8.1f s  (resident memory after: %.1f MB)",
                (ContinuousClock.now - coldStart).seconds, InformerMemory.residentMB()))

        let steadyStart = ContinuousClock.now
        await controller.reconcileAll()
        print(
            String(
                format: "  steady-state reconcile of all:     %8.3f s  (target < 1 s)",
                (ContinuousClock.now - steadyStart).seconds))

        var latencies: [Double] = []
        for sample in 0..<samples {
            let app = (sample * 37) % apps
            try repo.change(app: app, value: "v\(sample + 1)")
            let start = ContinuousClock.now
            try await postWebhook(port: webhook.port, repository: repo.url)
            while try await client.getIfExists(.configMaps, namespace: "bench", name: "app-\(app)-cm-0")?.json[path: [
                "data", "value",
            ]]?.stringValue != "v\(sample + 1)" {
                try await Task.sleep(for: .milliseconds(2))
            }
            latencies.append((ContinuousClock.now - start).seconds * 1000)
            try await Task.sleep(for: .milliseconds(500))  // let the other Applications settle
        }
        print(
            String(
                format: "  commit-to-applied (webhook) p50:   %8.1f ms (target < 1000 ms)",
                ClusterMeasurements.percentile(latencies, 0.5)))
        let busy = InformerMemory.residentMB()
        try await Task.sleep(for: .seconds(6))  // at rest: the controller's own trim has run
        print(
            String(
                format: "  controller resident memory:        %8.1f MB at rest (target < 300 MB; %.1f MB while busy)",
                InformerMemory.residentMB(), busy))
        await webhook.server.stop()
        await controller.stop()
        try? await client.shutdown()
    }

    private func waitUntil(client: KubeClient, _ done: ([KubeObject]) -> Bool) async throws {
        while true {
            let list = try await client.listAll(Application.gvr, namespace: "bench").items
            if list.count == apps && done(list) { return }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    private func postWebhook(port: Int, repository: String) async throws {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/webhook")
        request.method = .POST
        request.body = .bytes(
            ByteBuffer(bytes: JSON.object(["repository": ["clone_url": .string(repository)]]).serializedBytes()))
        _ = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
    }
}

/// A Git repository with one directory of ConfigMaps per Application, made with the `git` command.
struct BenchRepository {
    let path: String
    var url: String { "file://" + path }

    init(at path: String, apps: Int, objects: Int) throws {
        self.path = path
        for app in 0..<apps {
            let dir = "\(path)/apps/app-\(app)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            for object in 0..<objects {
                try Self.configMap("app-\(app)-cm-\(object)", value: "v0").write(
                    toFile: "\(dir)/cm-\(object).yaml", atomically: false, encoding: .utf8)
            }
        }
        try git("init", "-q", "-b", "main")
        try git("-c", "user.email=bench@capstan.invalid", "-c", "user.name=bench", "add", "-A")
        try git("-c", "user.email=bench@capstan.invalid", "-c", "user.name=bench", "commit", "-q", "-m", "bench")
    }

    static func configMap(_ name: String, value: String) -> String {
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \(name)\n  labels: {bench: \"true\"}\ndata:\n  value: \"\(value)\"\n  other: \"unchanged\"\n"
    }

    func application(_ index: Int) -> KubeObject {
        KubeObject(
            apiVersion: "argoproj.io/v1alpha1", kind: "Application", name: "app-\(index)", namespace: "bench",
            body: [
                "spec": [
                    "project": "default",
                    "source": [
                        "repoURL": .string(url), "path": .string("apps/app-\(index)"), "targetRevision": "main",
                    ],
                    "destination": ["server": "https://kubernetes.default.svc", "namespace": "bench"],
                    "syncPolicy": ["automated": ["prune": true, "selfHeal": true]],
                ]
            ])
    }

    /// Commits a one-line change to an Application's first ConfigMap.
    func change(app: Int, value: String) throws {
        try Self.configMap("app-\(app)-cm-0", value: value).write(
            toFile: "\(path)/apps/app-\(app)/cm-0.yaml", atomically: false, encoding: .utf8)
        try git(
            "-c", "user.email=bench@capstan.invalid", "-c", "user.name=bench", "commit", "-q", "-am", "change \(app)")
    }

    private func git(_ arguments: String...) throws { try Self.git(arguments, in: path) }

    /// Runs `git -C path arguments...`, failing when git does.
    static func git(_ arguments: [String], in path: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", path] + arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("git \(arguments.joined(separator: " ")) failed")
        }
    }
}

import ArgumentParser
import EmbeddedCluster
import Foundation
import Kube
import Logging

/// `capstan bench cluster`: measures the embedded API server as a separate process, the way a controller
/// sees a real one, and the in-process informer cache.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure Capstan's speed and memory on this machine.",
        subcommands: [
            ClusterBench.self, SyncBench.self, AnalysisBench.self, RolloutBench.self, ImageBench.self,
            CreateWorker.self,
        ])
}

struct ClusterBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster", abstract: "Creates/s, get and watch latency, list and memory of the embedded server.")

    @Option(help: "Objects to hold for the list and memory figures.") var objects: Int = 10_000
    @Option(help: "Sequential creates to time.") var creates: Int = 2_000
    @Option(help: "Small objects for the informer-cache memory figure.") var informerObjects: Int = 100_000
    @Option(help: "Simulated pods to create and delete for the get-latency-under-churn figure (0 skips it).")
    var churnPods: Int = 10_000

    func run() async throws {
        var logger = Logger(label: "capstan.bench")
        logger.logLevel = .error
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("capstan-bench-\(getpid())").path
        let server = try ServerProcess(dataDir: dir)
        defer { server.stop() }
        let client = try KubeClient(
            config: try server.clusterConfig(), logger: logger, qps: 0, burst: 0, threading: .ownEventLoop)
        try await client.discover()
        let results = try await ClusterMeasurements(client: client, server: server, objects: objects, creates: creates)
            .run()
        for line in results { print(line) }
        print(try await InformerMemory(count: informerObjects, logger: logger).measure())
        await shutDown("the Kubernetes client") { try await client.shutdown() }
        if churnPods > 0 {
            let simulated = try ServerProcess(dataDir: dir + "-churn", simulate: true)
            defer { simulated.stop() }
            let churnClient = try KubeClient(config: try simulated.clusterConfig(), logger: logger, qps: 0, burst: 0)
            for line in try await PodChurnMeasurement(client: churnClient, pods: churnPods).run() { print(line) }
            await shutDown("the churn client") { try await churnClient.shutdown() }
        }
    }
}

/// `capstan cluster` started as a child process with a durable store in a temporary directory.
final class ServerProcess: Sendable {
    let process: Process
    let dataDir: String

    init(dataDir: String, inMemory: Bool = false, simulate: Bool = false) throws {
        self.dataDir = dataDir
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        process.arguments =
            ["cluster", "--port", "0", "--data-dir", dataDir, "--insecure-http"]
            + (simulate ? [] : ["--no-simulation"]) + (inMemory ? ["--in-memory"] : [])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let kubeconfig = dataDir + "/kubeconfig"
        for _ in 0..<300 where !FileManager.default.fileExists(atPath: kubeconfig) { usleep(20_000) }
        usleep(50_000)
    }

    func clusterConfig() throws -> ClusterConfig {
        let text = try String(contentsOfFile: dataDir + "/kubeconfig", encoding: .utf8)
        return try KubeConfig(text: text).clusterConfig()
    }

    /// Resident memory of the server process in MB.
    var residentMB: Double {
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        let kb = Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        return kb / 1024
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: dataDir)
    }
}

import Analysis
import ArgumentParser
import AsyncHTTPClient
import Foundation
import Kube
import Logging
import NIOCore
import NIOHTTP1

/// `capstan bench analysis`: AnalysisRuns measuring every second against one Prometheus, with the embedded
/// API server in a child process and the AnalysisRun controller in this one. Prints how late measurements
/// began after they were due (the scheduling error) and the controller's resident memory.
struct AnalysisBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analysis", abstract: "Scheduling error and memory of the AnalysisRun controller.")

    @Option(help: "AnalysisRuns measuring at once.") var runs: Int = 1_000
    @Option(help: "Seconds to measure for, after every run has measured once.") var seconds: Int = 30
    @Option(help: "Concurrent reconciles of the controller.") var workers: Int = 32
    @Option(help: "A Prometheus to query (default: Debian's /usr/bin/prometheus, started for the bench).")
    var prometheus: String?

    func run() async throws {
        var logger = Logger(label: "capstan.bench")
        logger.logLevel = ProcessInfo.processInfo.environment["BENCH_LOG"] == nil ? .error : .debug
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("capstan-bench-analysis-\(getpid())")
            .path
        let server = try ServerProcess(dataDir: dir, inMemory: true)
        defer { server.stop() }
        let local = prometheus == nil ? try await PrometheusProcess.start(directory: dir + "-prometheus") : nil
        defer { local?.stop() }
        let address = prometheus ?? local?.url ?? ""
        let client = try KubeClient(config: try server.clusterConfig(), logger: logger, qps: 0, burst: 0)
        let baseline = InformerMemory.residentMB()
        let recorder = LatenessRecorder()
        let controller = AnalysisRunController(
            client: client, namespace: "default", workers: workers, logger: logger,
            lateness: { recorder.add($0) })
        try await controller.start()
        for index in 0..<runs {
            _ = try await client.create(
                KubeObject([
                    "apiVersion": "argoproj.io/v1alpha1", "kind": "AnalysisRun",
                    "metadata": ["name": .string("bench-\(index)"), "namespace": "default"],
                    "spec": [
                        "metrics": [
                            [
                                "name": "up", "interval": "1s", "successCondition": "result[0] == 1",
                                "provider": ["prometheus": ["address": .string(address), "query": "vector(1)"]],
                            ]
                        ]
                    ],
                ]))
        }
        print("created \(runs) AnalysisRuns measuring every 1 s against \(address); warming up")
        try await Task.sleep(for: .seconds(10))
        recorder.reset()
        let started = ContinuousClock.now
        try await Task.sleep(for: .seconds(seconds))
        let elapsed = ContinuousClock.now - started
        let samples = recorder.take().sorted()
        let memory = InformerMemory.residentMB()
        await controller.stop()
        await shutDown("the Kubernetes client") { try await client.shutdown() }
        func percentile(_ p: Double) -> Double {
            samples.isEmpty ? .nan : samples[min(samples.count - 1, Int(Double(samples.count) * p))] * 1000
        }
        let rate =
            Double(samples.count)
            / (Double(elapsed.components.seconds) + 1e-18 * Double(elapsed.components.attoseconds))
        print(String(format: "measurements:              %8.0f /s (wanted %d /s)", rate, runs))
        print(String(format: "scheduling error p50:      %8.1f ms", percentile(0.5)))
        print(String(format: "scheduling error p99:      %8.1f ms (target < 100)", percentile(0.99)))
        print(String(format: "scheduling error max:      %8.1f ms", (samples.last ?? .nan) * 1000))
        print(
            String(
                format: "controller resident memory: %7.1f MB (%.1f MB before the controller started)", memory, baseline
            ))
    }
}

/// Collects lateness samples from the controller's workers.
final class LatenessRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var samples: [Double] = []

    func add(_ value: Double) { lock.withLock { samples.append(value) } }
    func reset() { lock.withLock { samples.removeAll() } }
    func take() -> [Double] { lock.withLock { samples } }
    var count: Int { lock.withLock { samples.count } }
}

/// Debian's Prometheus started for a bench on a free high port, with no scrape targets.
final class PrometheusProcess: Sendable {
    let process: Process
    let directory: String
    let port: Int

    static func start(directory: String) async throws -> PrometheusProcess {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/prometheus") else {
            throw CommandError("no /usr/bin/prometheus: run scripts/install-deps.sh, or pass --prometheus URL")
        }
        for _ in 0..<5 {
            let server = try PrometheusProcess(directory: directory, port: Int.random(in: 20_000..<40_000))
            for _ in 0..<150 {
                let request = HTTPClientRequest(url: server.url + "/-/ready")
                if let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(2)),
                    response.status == .ok
                {
                    return server
                }
                guard server.process.isRunning else { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            server.stop()
        }
        throw CommandError("prometheus did not start")
    }

    init(directory: String, port: Int) throws {
        self.directory = directory
        self.port = port
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "global: {scrape_interval: 15s}\n".write(
            toFile: directory + "/prometheus.yml", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/prometheus")
        process.arguments = [
            "--config.file=\(directory)/prometheus.yml", "--storage.tsdb.path=\(directory)/data",
            "--web.listen-address=127.0.0.1:\(port)", "--log.level=error",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
    }

    var url: String { "http://127.0.0.1:\(port)" }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}

import ArgumentParser
import Foundation
import Kube
import Logging

/// Creates/s from several client processes at once, the figure kube-apiserver is compared on (8 processes).
/// Each worker is this binary's hidden `bench create-worker`: it connects, says `ready`, waits for `go` on
/// standard input, creates its ConfigMaps one after another and exits. The clock runs from `go` to the last
/// exit, so process start-up and connection set-up are not counted.
struct ParallelCreates {
    let kubeconfig: String
    let processes: Int
    let createsPerProcess: Int

    func measure() throws -> String {
        var workers: [(Process, Pipe, Pipe)] = []
        for index in 0..<processes {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
            process.arguments = [
                "bench", "create-worker", "--kubeconfig", kubeconfig, "--prefix", "parallel-\(index)-",
                "--count", String(createsPerProcess),
            ]
            let input = Pipe()
            let output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            try process.run()
            workers.append((process, input, output))
        }
        for (_, _, output) in workers {
            let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
            guard line.hasPrefix("ready") else { throw ValidationError("a create worker did not start: \(line)") }
        }
        let start = ContinuousClock.now
        for (_, input, _) in workers { try input.fileHandleForWriting.write(contentsOf: Data("go\n".utf8)) }
        for (process, _, _) in workers {
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw ValidationError("a create worker failed with status \(process.terminationStatus)")
            }
        }
        let elapsed = ContinuousClock.now - start
        let total = Double(processes * createsPerProcess)
        return String(format: "creates from %d client processes: %.0f /s", processes, total / elapsed.seconds)
    }
}

/// `capstan bench create-worker`: one client process of `ParallelCreates`.
struct CreateWorker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-worker", abstract: "One client process of the parallel-creates figure.",
        shouldDisplay: false)

    @Option var kubeconfig: String
    @Option var prefix: String
    @Option var count: Int

    func run() async throws {
        var logger = Logger(label: "capstan.bench.worker")
        logger.logLevel = .error
        let config = try KubeConfig(text: try String(contentsOfFile: kubeconfig, encoding: .utf8)).clusterConfig()
        let client = try KubeClient(config: config, logger: logger, qps: 0, burst: 0, threading: .ownEventLoop)
        try await client.discover()
        FileHandle.standardOutput.write(Data("ready\n".utf8))
        guard readLine() == "go" else { throw ValidationError("expected go") }
        try await client.onClientThread {
            for i in 0..<count {
                _ = try await client.create(
                    KubeObject(
                        apiVersion: "v1", kind: "ConfigMap", name: "\(prefix)\(i)", namespace: "default",
                        body: ["data": ["key": "value", "index": .string(String(i))]]))
            }
        }
        try await client.shutdown()
    }
}

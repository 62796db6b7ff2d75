import ArgumentParser
import Foundation
import Kube
import Logging
import Rollouts

/// `capstan bench rollouts`: many canary Rollouts stepping at once, with the embedded API server (and its pod
/// simulation) in a child process and the Rollout controller in this one. Prints how long after a timed
/// pause ended the next step's objects were written, and the controller's resident memory.
struct RolloutBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollouts", abstract: "Step latency and memory of the Rollout controller.")

    @Option(help: "Rollouts stepping at once.") var rollouts: Int = 1_000
    @Option(help: "Concurrent reconciles of the controller.") var workers: Int = 16
    @Option(help: "Seconds of each timed pause.") var pauseSeconds: Int = 10

    func run() async throws {
        var logger = Logger(label: "capstan.bench")
        logger.logLevel = .error
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("capstan-bench-rollouts-\(getpid())")
            .path
        let server = try ServerProcess(dataDir: dir, inMemory: true, simulate: true)
        defer { server.stop() }
        let client = try KubeClient(config: try server.clusterConfig(), logger: logger, qps: 0, burst: 0)
        var node = try await client.get(.nodes, name: "capstan-node-1")
        node.json[path: ["status", "capacity", "pods"]] = .string(String(rollouts * 4))
        _ = try await client.updateStatus(node)
        let recorder = LatenessRecorder()
        let tally = RequestTally()
        let controller = RolloutController(
            client: client.counting(tally), namespace: "default", workers: workers, logger: logger,
            pauseLateness: { recorder.add($0) })
        try await controller.start()
        let started = ContinuousClock.now
        for index in 0..<rollouts { _ = try await client.create(Self.rollout(index, pause: pauseSeconds)) }
        try await waitUntil(client, phase: "Healthy", count: rollouts, timeout: .seconds(600))
        print("\(rollouts) Rollouts Healthy after \(ContinuousClock.now - started); updating them all")
        _ = tally.take()
        for index in 0..<rollouts {
            try await RolloutActions.perform(
                .setImage(container: "app", image: "example/app:2"), name: "bench-\(index)", namespace: "default",
                client: client)
        }
        // The controller's own record of the pauses it ended says when the run is nearly over; only then does
        // the bench list the Rollouts to check the end state. Listing (and decoding) 1,000 Rollouts every second
        // meanwhile would take CPU from what is being measured.
        let deadline = ContinuousClock.now + .seconds(900)
        while recorder.count < 2 * rollouts && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
        }
        try await waitUntil(client, phase: "Healthy", count: rollouts, timeout: .seconds(900), image: "example/app:2")
        let samples = recorder.take().sorted()
        let writes = tally.take()
        let memory = InformerMemory.residentMB()
        await controller.stop()
        try? await client.shutdown()
        func percentile(_ p: Double) -> Double {
            samples.isEmpty ? .nan : samples[min(samples.count - 1, Int(Double(samples.count) * p))] * 1000
        }
        print("timed pauses ended:         \(samples.count) (2 per Rollout)")
        print(String(format: "pause end to next step p50: %8.1f ms", percentile(0.5)))
        print(String(format: "pause end to next step p99: %8.1f ms (target < 250)", percentile(0.99)))
        print(String(format: "controller resident memory: %7.1f MB (target < 150)", memory))
        // The update is 4 steps (setWeight, pause, setWeight, pause) plus the promotion to stable.
        let steps = Double(rollouts * 5)
        let total = writes.values.reduce(0, +)
        let byKind = writes.sorted { $0.value > $1.value }.map {
            String(format: "%@ %.2f", $0.key, Double($0.value) / steps)
        }
        print(
            String(
                format: "controller API writes per step: %.2f (%@)", Double(total) / steps,
                byKind.joined(separator: ", ")))
    }

    /// Waits until `count` Rollouts are in `phase` (on `image`, when given).
    func waitUntil(
        _ client: KubeClient, phase: String, count: Int, timeout: Duration, image: String? = nil
    )
        async throws
    {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let items = try await client.listAll(RolloutController.gvr, namespace: "default").items
            let done = items.filter { rollout in
                let onImage =
                    image == nil
                    || rollout.spec?[path: ["template", "spec", "containers"]]?[0]?["image"]?.stringValue == image
                return onImage && rollout.status?["phase"]?.stringValue == phase
                    && rollout.status?["stableRS"] == rollout.status?["currentPodHash"]
            }
            if done.count >= count { return }
            try await Task.sleep(for: .seconds(1))
        }
        throw CommandError("the Rollouts did not all become \(phase) within \(timeout)")
    }

    static func rollout(_ index: Int, pause: Int) -> KubeObject {
        KubeObject([
            "apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
            "metadata": ["name": .string("bench-\(index)"), "namespace": "default"],
            "spec": [
                "replicas": 2, "selector": ["matchLabels": ["app": .string("bench-\(index)")]],
                "template": [
                    "metadata": ["labels": ["app": .string("bench-\(index)")]],
                    "spec": ["containers": [["name": "app", "image": "example/app:1"]]],
                ],
                "strategy": [
                    "canary": [
                        "steps": [
                            ["setWeight": 50], ["pause": ["duration": .int(Int64(pause))]], ["setWeight": 100],
                            ["pause": ["duration": .int(Int64(pause))]],
                        ]
                    ]
                ],
            ],
        ])
    }
}

import Foundation
import Kube
import KubeTestSupport
import Logging
import Rollouts
import Testing

/// A controller stopped and started again at many points of a canary and of a blue-green update must end
/// where an uninterrupted run ends: no extra ReplicaSet, no step skipped or repeated, and never more pods
/// asked for than `replicas + maxSurge`. The restarts come every 100 to 400 ms (the updates' pauses last 2 s or
/// more, so at least five restarts land in each), in a fixed sequence, so they land between the writes of one reconcile as
/// well as between reconciles.
@Suite struct RolloutCrashSafetyTests {
    static let canary = """
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata: {name: crashy}
        spec:
          replicas: 4
          selector: {matchLabels: {app: crashy}}
          template:
            metadata: {labels: {app: crashy}}
            spec: {containers: [{name: app, image: "example/app:1"}]}
          strategy:
            canary:
              maxSurge: 1
              maxUnavailable: 0
              steps:
              - setWeight: 25
              - pause: {duration: 1s}
              - setWeight: 50
              - pause: {duration: 1s}
              - setWeight: 75
              - pause: {duration: 1s}
        """

    static let blueGreen = """
        apiVersion: v1
        kind: Service
        metadata: {name: crashy-active}
        spec: {selector: {app: crashy}, ports: [{port: 80}]}
        ---
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata: {name: crashy}
        spec:
          replicas: 3
          selector: {matchLabels: {app: crashy}}
          template:
            metadata: {labels: {app: crashy}}
            spec: {containers: [{name: app, image: "example/app:1"}]}
          strategy:
            blueGreen:
              activeService: crashy-active
              autoPromotionSeconds: 2
              scaleDownDelaySeconds: 1
        """

    /// What the ReplicaSets looked like each time they were sampled: total replicas asked for, and the most
    /// ReplicaSets that existed at once.
    actor Samples {
        var maxTotal = 0
        var maxSets = 0
        var canaryCounts: [Int] = []

        func add(_ sets: [KubeObject], currentImage: String) {
            let replicas = sets.map { Int($0.spec?["replicas"]?.intValue ?? 0) }
            maxTotal = max(maxTotal, replicas.reduce(0, +))
            maxSets = max(maxSets, sets.count)
            let canary = sets.filter {
                $0.spec?[path: ["template", "spec", "containers"]]?[0]?["image"]?.stringValue == currentImage
            }.reduce(0) { $0 + Int($1.spec?["replicas"]?.intValue ?? 0) }
            if canaryCounts.last != canary { canaryCounts.append(canary) }
        }
    }

    /// Runs the update from example/app:1 to example/app:2 with the controller restarted over and over until
    /// the Rollout is Healthy again on the new version; returns the samples taken meanwhile.
    func updateWithRestarts(_ cluster: TestCluster, _ yaml: String) async throws -> Samples {
        let logger = Logger(label: "test.crash")
        var controller = RolloutController(client: cluster.client, namespace: cluster.namespace, logger: logger)
        try await controller.start()
        for document in try YAML.parseAll(yaml) where document != .null {
            var object = KubeObject(document)
            object.namespace = cluster.namespace
            _ = try await cluster.client.create(object)
        }
        #expect(try await healthy(cluster, image: "example/app:1"))
        let samples = Samples()
        let sampler = Task {
            while !Task.isCancelled {
                let sets = try await cluster.client.list(.replicaSets, namespace: cluster.namespace).items
                await samples.add(sets, currentImage: "example/app:2")
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        defer { sampler.cancel() }
        _ = try await cluster.client.patch(
            RolloutController.gvr, namespace: cluster.namespace, name: "crashy", type: .merge,
            patch: ["spec": ["template": ["spec": ["containers": [["name": "app", "image": "example/app:2"]]]]]])
        var restarts = 0
        let delays = [130, 270, 100, 400, 190, 330, 240, 110, 360, 150]
        while try await !healthy(cluster, image: "example/app:2", wait: false) && restarts < 200 {
            try await Task.sleep(for: .milliseconds(delays[restarts % delays.count]))
            await controller.stop()
            controller = RolloutController(client: cluster.client, namespace: cluster.namespace, logger: logger)
            try await controller.start()
            restarts += 1
        }
        // Settled: a last, undisturbed controller finishes what is left (old ReplicaSets scaled down).
        #expect(try await healthy(cluster, image: "example/app:2"))
        #expect(
            try await cluster.eventually {
                let sets = try await cluster.client.list(.replicaSets, namespace: cluster.namespace).items
                return sets.filter { $0.spec?["replicas"]?.intValue != 0 }.count == 1
            })
        await controller.stop()
        // Its pauses alone last longer than five of the longest gaps between restarts.
        #expect(restarts >= 5, "the update should span several restarts, it spanned \(restarts)")
        return samples
    }

    func healthy(_ cluster: TestCluster, image: String, wait: Bool = true) async throws -> Bool {
        let check = {
            let rollout = try await cluster.client.get(
                RolloutController.gvr, namespace: cluster.namespace, name: "crashy")
            let image = rollout.spec?[path: ["template", "spec", "containers"]]?[0]?["image"]?.stringValue == image
            return image && rollout.status?["phase"] == "Healthy"
                && rollout.status?["stableRS"] == rollout.status?["currentPodHash"]
                && rollout.status?["observedGeneration"]?.stringValue == String(rollout.generation)
        }
        return wait ? try await cluster.eventually(timeout: .seconds(120), check) : try await check()
    }

    @Test func aCanaryRestartedAtManyPointsEndsAsAnUninterruptedOne() async throws {
        try await TestCluster.with { cluster in
            let samples = try await updateWithRestarts(cluster, Self.canary)
            let sets = try await cluster.client.list(.replicaSets, namespace: cluster.namespace).items
            #expect(sets.count == 2, "\(sets.map(\.name))")
            // Each step's size in order (25%, 50%, 75% of 4, then all), never back down, never past the surge.
            let counts = await samples.canaryCounts
            #expect(counts == [0, 1, 2, 3, 4], "\(counts)")
            #expect(await samples.maxTotal <= 5)
            let events = try await cluster.client.list(.events, namespace: cluster.namespace).items
                .filter { $0.json["reason"] == "RolloutStepCompleted" }
                .compactMap { $0.json["message"]?.stringValue }
            // A step is completed once (an Event lost in a stop is possible, a repeated one is not).
            #expect(Set(events).count == events.count, "\(events)")
            let rollout = try await cluster.client.get(
                RolloutController.gvr, namespace: cluster.namespace, name: "crashy")
            #expect(rollout.status?["currentStepIndex"] == 6)
        }
    }

    @Test func aBlueGreenRestartedAtManyPointsEndsAsAnUninterruptedOne() async throws {
        try await TestCluster.with { cluster in
            let samples = try await updateWithRestarts(cluster, Self.blueGreen)
            let sets = try await cluster.client.list(.replicaSets, namespace: cluster.namespace).items
            #expect(sets.count == 2, "\(sets.map(\.name))")
            #expect(await samples.maxSets <= 2)
            // The new version came up once, at full size, and was never scaled back down.
            let counts = await samples.canaryCounts
            #expect(counts == [0, 3], "\(counts)")
            let rollout = try await cluster.client.get(
                RolloutController.gvr, namespace: cluster.namespace, name: "crashy")
            let active = try await cluster.client.get(.services, namespace: cluster.namespace, name: "crashy-active")
            #expect(active.spec?["selector"]?["rollouts-pod-template-hash"] == rollout.status?["stableRS"])
        }
    }
}

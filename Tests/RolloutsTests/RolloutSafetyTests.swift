import Foundation
import Kube
import KubeTestSupport
import Logging
import Rollouts
import Testing

/// What must not go wrong in a canary: a version whose pods never become Ready takes no more capacity from
/// the stable one than `maxUnavailable` allows, a newer version replaces an in-flight canary, and a controller restarted mid-rollout
/// carries on from the status without a new ReplicaSet or a skipped step.
@Suite struct RolloutSafetyTests {
    let helper = RolloutControllerTests()

    static let paused = RolloutControllerTests.timed.replacingOccurrences(
        of: "- pause: {duration: 1s}", with: "- pause: {}")

    @Test func aCanaryThatNeverBecomesReadyLeavesTheStableSideWhole() async throws {
        try await helper.withController { cluster, ns in
            _ = try await cluster.client.create(
                KubeObject(
                    apiVersion: "v1", kind: "ConfigMap", name: "capstan-simulation", namespace: "kube-system",
                    body: ["data": ["images": "example/app:broken: never-ready"]]))
            try await helper.createHealthy(cluster, Self.paused)
            try await helper.setImage(cluster, "timed", container: "app", image: "example/app:broken")
            // 41% of 10 asks for 4 canary and 6 stable pods. The canary pods never become available, so the
            // stable side gives up only maxUnavailable (25% of 10, rounded down: 2) and the canary grows only to
            // the surge ceiling.
            try await helper.waitFor(
                cluster, "timed", phase: "Progressing", step: 0,
                replicas: ["example/app:broken": 4, "example/app:1": 8])
            try await Task.sleep(for: .seconds(1))
            #expect(try await helper.replicasByImage(cluster)["example/app:1"] == 8)
            try await RolloutActions.perform(.abort, name: "timed", namespace: ns, client: cluster.client)
            try await helper.waitFor(cluster, "timed", phase: "Degraded", replicas: ["example/app:1": 10])
        }
    }

    @Test func aNewerVersionReplacesTheCanaryInFlight() async throws {
        try await helper.withController { cluster, _ in
            try await helper.createHealthy(cluster, Self.paused)
            try await helper.setImage(cluster, "timed", container: "app", image: "example/app:2")
            try await helper.waitFor(
                cluster, "timed", phase: "Paused", step: 1, replicas: ["example/app:2": 4, "example/app:1": 6])
            try await helper.setImage(cluster, "timed", container: "app", image: "example/app:3")
            try await helper.waitFor(
                cluster, "timed", phase: "Paused", step: 1, replicas: ["example/app:3": 4, "example/app:1": 6])
        }
    }

    @Test func aRestartedControllerCarriesOnFromTheStatus() async throws {
        try await TestCluster.with { cluster in
            let logger = Logger(label: "test.rollouts")
            let first = RolloutController(client: cluster.client, namespace: cluster.namespace, logger: logger)
            try await first.start()
            try await helper.createHealthy(cluster, Self.paused)
            try await helper.setImage(cluster, "timed", container: "app", image: "example/app:2")
            try await helper.waitFor(
                cluster, "timed", phase: "Paused", step: 1, replicas: ["example/app:2": 4, "example/app:1": 6])
            await first.stop()
            let second = RolloutController(client: cluster.client, namespace: cluster.namespace, logger: logger)
            try await second.start()
            try await withAwaitedTeardown(second, teardown: { await $0.stop() }) { _ in
                try await Task.sleep(for: .milliseconds(500))
                let status = try await helper.rollout(cluster, "timed").status
                #expect(status?["currentStepIndex"] == 1 && status?["phase"] == "Paused")
                try await RolloutActions.perform(
                    .promote, name: "timed", namespace: cluster.namespace, client: cluster.client)
                try await helper.waitFor(cluster, "timed", phase: "Healthy", step: 2, replicas: ["example/app:2": 10])
                #expect(try await cluster.client.list(.replicaSets, namespace: cluster.namespace).items.count == 2)
            }
        }
    }
}

extension RolloutSafetyTests {
    /// `progressDeadlineSeconds` with a canary that never becomes Ready: Degraded with
    /// ProgressDeadlineExceeded, and with `progressDeadlineAbort` the update is aborted.
    @Test(arguments: [false, true])
    func aStuckUpdateExceedsItsProgressDeadline(abort: Bool) async throws {
        try await helper.withController { cluster, ns in
            _ = try await cluster.client.create(
                KubeObject(
                    apiVersion: "v1", kind: "ConfigMap", name: "capstan-simulation", namespace: "kube-system",
                    body: ["data": ["images": "example/app:broken: never-ready"]]))
            let manifest = Self.paused.replacingOccurrences(
                of: "replicas: 10",
                with: "replicas: 10\n  progressDeadlineSeconds: 2\n  progressDeadlineAbort: \(abort)")
            try await helper.createHealthy(cluster, manifest)
            try await helper.setImage(cluster, "timed", container: "app", image: "example/app:broken")
            #expect(
                try await cluster.eventually(timeout: .seconds(60)) {
                    let status = try await helper.rollout(cluster, "timed").status
                    let progressing = status?["conditions"]?.arrayValue?.first { $0["type"] == "Progressing" }
                    // Aborted, the update reports RolloutAborted, as an abort by hand does.
                    return status?["phase"] == "Degraded"
                        && (abort
                            ? status?["abort"] == true && progressing?["reason"] == "RolloutAborted"
                            : progressing?["reason"] == "ProgressDeadlineExceeded")
                })
            let expected = abort ? ["example/app:1": 10] : ["example/app:broken": 4, "example/app:1": 8]
            try await helper.waitFor(cluster, "timed", phase: "Degraded", replicas: expected)
            // Once the pods have followed the ReplicaSets (and the status has counted them), Degraded is stable:
            // no write loop. (A change in the counts is progress, as in Argo, so the last of them may bring the
            // Rollout back to Progressing until the deadline passes again.)
            let pods = abort ? (available: 10, all: 10) : (available: 8, all: 12)
            #expect(
                try await cluster.eventually {
                    let status = try await helper.rollout(cluster, "timed").status
                    return status?["availableReplicas"]?.intValue == Int64(pods.available)
                        && status?["replicas"]?.intValue == Int64(pods.all) && status?["phase"] == "Degraded"
                })
            let settled = try await helper.rollout(cluster, "timed")
            try await Task.sleep(for: .seconds(1))
            let later = try await helper.rollout(cluster, "timed")
            if !abort {
                #expect(
                    later.resourceVersion == settled.resourceVersion,
                    "\(settled.status ?? .null)\n\(later.status ?? .null)")
            }
            _ = ns
        }
    }
}

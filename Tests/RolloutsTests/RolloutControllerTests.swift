import Foundation
import Kube
import KubeTestSupport
import Logging
import Rollouts
import Testing

/// The Rollout controller on the embedded cluster, driven with manifests in Argo's own form: a first deploy
/// skips the steps, a new image steps through weights carried by replica counts, pauses hold until promoted
/// or timed out, abort sends everything back to stable, retry starts over, and an invalid spec is a
/// condition that a fix clears.
@Suite struct RolloutControllerTests {
    static let canaryFile = RolloutLintTests.corpus.appendingPathComponent("rollout-canary.yaml")

    func withController(_ body: (TestCluster, String) async throws -> Void) async throws {
        try await withRolloutControllers(body)
    }

    /// Creates the Rollout `yaml` describes (`timed`, 10 replicas of example/app:1) and waits until it is Healthy.
    func createHealthy(_ cluster: TestCluster, _ yaml: String) async throws {
        var object = KubeObject(try YAML.parse(yaml))
        object.namespace = cluster.namespace
        _ = try await cluster.client.create(object)
        try await waitFor(cluster, object.name, phase: "Healthy", replicas: ["example/app:1": 10])
    }

    func rollout(_ cluster: TestCluster, _ name: String) async throws -> KubeObject {
        try await cluster.client.get(RolloutController.gvr, namespace: cluster.namespace, name: name)
    }

    /// Replicas of the Rollout's ReplicaSets, keyed by image.
    func replicasByImage(_ cluster: TestCluster) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for rs in try await cluster.client.list(.replicaSets, namespace: cluster.namespace).items {
            let image = rs.spec?[path: ["template", "spec", "containers"]]?[0]?["image"]?.stringValue ?? ""
            counts[image, default: 0] += Int(rs.spec?["replicas"]?.intValue ?? 0)
        }
        return counts
    }

    func setImage(_ cluster: TestCluster, _ name: String, container: String, image: String) async throws {
        _ = try await cluster.client.patch(
            RolloutController.gvr, namespace: cluster.namespace, name: name, type: .merge,
            patch: [
                "spec": ["template": ["spec": ["containers": [["name": .string(container), "image": .string(image)]]]]]
            ])
    }

    func waitFor(
        _ cluster: TestCluster, _ name: String, phase: String, step: Int? = nil, replicas: [String: Int]
    ) async throws {
        var last = ""
        let reached = try await cluster.eventually(timeout: .seconds(120)) {
            let status = try await rollout(cluster, name).status
            let counts = try await replicasByImage(cluster).filter { $0.value > 0 }
            last = "\(status?["phase"] ?? .null) step \(status?["currentStepIndex"] ?? .null) \(counts)"
            return status?["phase"]?.stringValue == phase
                && (step == nil || status?["currentStepIndex"]?.intValue == step.map(Int64.init)) && counts == replicas
        }
        #expect(reached, "wanted \(phase) step \(step.map(String.init) ?? "-") \(replicas); last \(last)")
    }

    @Test func argosCanaryExampleStepsPausesAbortsAndRetries() async throws {
        try await withController { cluster, ns in
            let manifest = try YAML.parse(try String(contentsOf: Self.canaryFile, encoding: .utf8))
            var object = KubeObject(manifest)
            object.namespace = ns
            _ = try await cluster.client.create(object)
            let (blue, yellow) = ("argoproj/rollouts-demo:blue", "argoproj/rollouts-demo:yellow")
            try await waitFor(cluster, "rollout-canary", phase: "Healthy", step: 8, replicas: [blue: 5])

            try await setImage(cluster, "rollout-canary", container: "rollouts-demo", image: yellow)
            // setWeight 20 of 5 replicas: 1 canary and 4 stable, then the indefinite pause.
            try await waitFor(cluster, "rollout-canary", phase: "Paused", step: 1, replicas: [yellow: 1, blue: 4])
            try await RolloutActions.perform(.promote, name: "rollout-canary", namespace: ns, client: cluster.client)
            try await waitFor(cluster, "rollout-canary", phase: "Paused", step: 3, replicas: [yellow: 2, blue: 3])

            try await RolloutActions.perform(.abort, name: "rollout-canary", namespace: ns, client: cluster.client)
            try await waitFor(cluster, "rollout-canary", phase: "Degraded", replicas: [blue: 5])
            let aborted = try await rollout(cluster, "rollout-canary")
            #expect(aborted.status?["message"]?.stringValue?.hasPrefix("RolloutAborted") == true)
            #expect(aborted.status?["abortedAt"] != nil)

            try await RolloutActions.perform(.retry, name: "rollout-canary", namespace: ns, client: cluster.client)
            try await waitFor(cluster, "rollout-canary", phase: "Paused", step: 1, replicas: [yellow: 1, blue: 4])
            try await RolloutActions.perform(
                .promoteFull, name: "rollout-canary", namespace: ns, client: cluster.client)
            try await waitFor(cluster, "rollout-canary", phase: "Healthy", step: 8, replicas: [yellow: 5])
            let done = try await rollout(cluster, "rollout-canary")
            #expect(done.status?["stableRS"] == done.status?["currentPodHash"])
            #expect(done.status?["selector"] == "app=rollout-canary")
        }
    }

    static let timed = """
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata: {name: timed}
        spec:
          replicas: 10
          selector: {matchLabels: {app: timed}}
          template:
            metadata: {labels: {app: timed}}
            spec: {containers: [{name: app, image: "example/app:1"}]}
          strategy:
            canary:
              steps:
              - setWeight: 41
              - pause: {duration: 1s}
        """

    @Test func timedPausesEndByThemselvesAndWeightsRoundAsArgos() async throws {
        try await withController { cluster, ns in
            try await createHealthy(cluster, Self.timed)
            try await setImage(cluster, "timed", container: "app", image: "example/app:2")
            try await waitFor(cluster, "timed", phase: "Healthy", step: 2, replicas: ["example/app:2": 10])
            #expect(try await cluster.eventually(event: { $0.json["message"] == "CanaryPauseStep" }, namespace: ns))
        }
    }

    @Test func anInvalidSpecIsAConditionThatAFixClears() async throws {
        try await withController { cluster, ns in
            let invalid = Self.timed.replacingOccurrences(of: "setWeight: 41", with: "setWeight: 141")
            var object = KubeObject(try YAML.parse(invalid))
            object.namespace = ns
            _ = try await cluster.client.create(object)
            #expect(
                try await cluster.eventually(timeout: .seconds(60)) {
                    let status = try await rollout(cluster, "timed").status
                    return status?["phase"] == "Degraded"
                        && status?["conditions"]?.arrayValue?.contains {
                            $0["type"] == "InvalidSpec"
                                && $0["message"]?.stringValue?.contains("steps[0].setWeight: must be 0 to 100") == true
                        } == true
                })
            #expect(try await cluster.client.list(.replicaSets, namespace: ns).items.isEmpty)
            _ = try await cluster.client.patch(
                RolloutController.gvr, namespace: ns, name: "timed", type: .json,
                patch: [["op": "replace", "path": "/spec/strategy/canary/steps/0/setWeight", "value": 41]])
            try await waitFor(cluster, "timed", phase: "Healthy", replicas: ["example/app:1": 10])
        }
    }
}

extension RolloutControllerTests {
    @Test func promotingARolloutThatIsNotUpdatingIsRefused() async throws {
        try await withController { cluster, ns in
            try await createHealthy(cluster, Self.timed)
            await #expect(throws: KubeError.self) {
                try await RolloutActions.perform(.promote, name: "timed", namespace: ns, client: cluster.client)
            }
            #expect(try await rollout(cluster, "timed").status?["currentStepIndex"] == 2)
        }
    }
}

/// Operations from the command line, as a user types them, and the trimming of old ReplicaSets.
extension RolloutControllerTests {
    func capstan(_ cluster: TestCluster, _ arguments: String...) async throws -> ChildProcess.Output {
        try await ChildProcess.run(
            [ChildProcess.capstan, "rollout"] + arguments + [
                "--kubeconfig", try cluster.kubeconfigPath(), "-n", cluster.namespace,
            ])
    }

    @Test func aClusterThatNeverRanTheControllerIsExplained() async throws {
        try await TestCluster.with { cluster in
            let listed = try await capstan(cluster, "list")
            #expect(listed.status == 1)
            #expect(
                listed.output.contains("the server has no resource argoproj.io/v1alpha1/rollouts"), "\(listed.output)")
            #expect(listed.output.contains("`capstan controller` installs"), "\(listed.output)")
        }
    }

    @Test func setImagePauseResumeFromTheCommandLineAndOldReplicaSetsTrimmed() async throws {
        try await withController { cluster, ns in
            try await createHealthy(
                cluster,
                Self.timed.replacingOccurrences(of: "replicas: 10", with: "replicas: 10\n  revisionHistoryLimit: 1"))
            let paused = try await capstan(cluster, "pause", "timed")
            #expect(paused.status == 0 && paused.output.contains("rollout 'timed' paused"), "\(paused.output)")
            let set = try await capstan(cluster, "set", "image", "timed", "app=example/app:2")
            #expect(set.status == 0, "\(set.output)")
            try await waitFor(cluster, "timed", phase: "Paused", replicas: ["example/app:1": 10])
            #expect(try await capstan(cluster, "resume", "timed").status == 0)
            try await waitFor(cluster, "timed", phase: "Healthy", step: 2, replicas: ["example/app:2": 10])
            #expect(try await capstan(cluster, "set", "image", "timed", "app=example/app:3").status == 0)
            try await waitFor(cluster, "timed", phase: "Healthy", step: 2, replicas: ["example/app:3": 10])
            let wrong = try await capstan(cluster, "set", "image", "timed", "web=example/app:4")
            #expect(wrong.status != 0 && wrong.output.contains("has no container web (it has app)"), "\(wrong.output)")
            // revisionHistoryLimit 1: the current ReplicaSet and one old one; revision 1 is gone.
            let revisions = try await cluster.client.list(.replicaSets, namespace: ns).items.compactMap {
                $0.annotations["rollout.argoproj.io/revision"]
            }
            #expect(
                try await cluster.eventually(timeout: .seconds(60)) {
                    try await cluster.client.list(.replicaSets, namespace: ns).items.count == 2
                }, "\(revisions)")
            let kept = try await cluster.client.list(.replicaSets, namespace: ns).items.compactMap {
                $0.annotations["rollout.argoproj.io/revision"]
            }
            #expect(Set(kept) == ["2", "3"])
        }
    }
}

extension RolloutControllerTests {
    @Test func listAndGetShowTheStepWeightsAndReplicaSets() async throws {
        try await withController { cluster, _ in
            try await createHealthy(cluster, RolloutSafetyTests.paused)
            try await setImage(cluster, "timed", container: "app", image: "example/app:2")
            try await waitFor(
                cluster, "timed", phase: "Paused", step: 1, replicas: ["example/app:2": 4, "example/app:1": 6])
            let list = try await capstan(cluster, "list")
            #expect(list.status == 0, "\(list.output)")
            let row = list.output.split(separator: "\n").last?.split(separator: " ", omittingEmptySubsequences: true)
            #expect(row == ["timed", "Canary", "Paused", "1/2", "41", "10", "4", "10"], "\(list.output)")
            let get = try await capstan(cluster, "get", "timed")
            #expect(get.status == 0, "\(get.output)")
            for expected in [
                "Status:        ॥ Paused", "Message:       CanaryPauseStep", "Step:        1/2", "SetWeight:   41",
                "ActualWeight: 40", "Images:        example/app:1 (stable)", "               example/app:2 (canary)",
                "Desired:     10",
            ] {
                #expect(get.output.contains(expected), "no \(expected) in\n\(get.output)")
            }
            // The tree: the newest revision first, each ReplicaSet with its role and its pods under it.
            let tree = get.output.split(separator: "\n").map {
                $0.split(separator: " ", omittingEmptySubsequences: true)
            }
            #expect(tree.filter { $0.contains("Pod") }.count == 10, "\(get.output)")
            let roles = tree.filter { $0.contains("ReplicaSet") }.map { "\($0.last ?? "") \($0.contains("Healthy"))" }
            #expect(roles == ["canary true", "stable true"], "\(get.output)")
            #expect(get.output.contains("├──# revision:2") && get.output.contains("└──# revision:1"), "\(get.output)")

            // --watch draws the picture again when it changes (as plain blocks when not on a terminal).
            let watcher = try SpawnedProcess(
                [
                    ChildProcess.capstan, "rollout", "get", "timed", "--watch", "--kubeconfig",
                    try cluster.kubeconfigPath(), "-n", cluster.namespace,
                ], captureOutput: true)
            let (paused, healthy) = ("Status:        ॥ Paused", "Status:        ✔ Healthy")
            // However long the machine takes, the watch is ended after 90 s (its output then ends).
            let limit = Task {
                try await Task.sleep(for: .seconds(90))
                kill(watcher.pid, SIGKILL)
            }
            let descriptor = watcher.outputDescriptor
            let before = try await ChildProcess.offThePool { Self.read(descriptor, until: paused) }
            try await RolloutActions.perform(
                .promote, name: "timed", namespace: cluster.namespace, client: cluster.client)
            let after = try await ChildProcess.offThePool { Self.read(descriptor, until: healthy) }
            limit.cancel()
            watcher.stop()
            let output = before + after
            #expect(before.contains(paused) && after.contains(healthy), "\(output)")
        }
    }
}

extension RolloutControllerTests {
    /// `undo` puts the previous revision's template back; its ReplicaSet is reused (no new one is made) and
    /// becomes the newest revision.
    @Test func undoReusesThePreviousReplicaSet() async throws {
        try await withController { cluster, ns in
            try await createHealthy(cluster, Self.timed)
            try await setImage(cluster, "timed", container: "app", image: "example/app:2")
            try await waitFor(cluster, "timed", phase: "Healthy", step: 2, replicas: ["example/app:2": 10])
            let before = Set(try await cluster.client.list(.replicaSets, namespace: ns).items.map(\.name))
            let undo = try await capstan(cluster, "undo", "timed")
            #expect(undo.status == 0 && undo.output.contains("rolled back"), "\(undo.output)")
            try await waitFor(cluster, "timed", phase: "Healthy", step: 2, replicas: ["example/app:1": 10])
            let after = try await cluster.client.list(.replicaSets, namespace: ns).items
            #expect(Set(after.map(\.name)) == before)
            let first = after.first {
                $0.spec?[path: ["template", "spec", "containers"]]?[0]?["image"] == "example/app:1"
            }
            #expect(first?.annotations["rollout.argoproj.io/revision"] == "3")
            let missing = try await capstan(cluster, "undo", "timed", "--to-revision", "9")
            #expect(missing.status != 0 && missing.output.contains("has no revision 9"), "\(missing.output)")
        }
    }
}

extension RolloutControllerTests {
    @Test func statusWaitsUntilTheRolloutSettles() async throws {
        try await withController { cluster, _ in
            try await createHealthy(cluster, RolloutSafetyTests.paused)
            try await setImage(cluster, "timed", container: "app", image: "example/app:2")
            let paused = try await capstan(cluster, "status", "timed", "--watch", "--timeout", "120")
            #expect(paused.status == 0 && paused.output.contains("Paused - CanaryPauseStep"), "\(paused.output)")
            try await RolloutActions.perform(
                .abort, name: "timed", namespace: cluster.namespace, client: cluster.client)
            try await waitFor(cluster, "timed", phase: "Degraded", replicas: ["example/app:1": 10])
            let degraded = try await capstan(cluster, "status", "timed", "--watch", "--timeout", "120")
            #expect(degraded.status == 1 && degraded.output.contains("Degraded - RolloutAborted"), "\(degraded.output)")
        }
    }

    @Test func restartReplacesEveryPodOneAtATime() async throws {
        try await withController { cluster, ns in
            try await createHealthy(cluster, Self.timed)
            let before = Set(try await cluster.client.list(.pods, namespace: ns).items.map(\.name))
            try await Task.sleep(for: .seconds(1))  // restartAt has second precision: pods must be older
            try await RolloutActions.perform(.restart, name: "timed", namespace: ns, client: cluster.client)
            let restartAt = try await rollout(cluster, "timed").spec?["restartAt"]?.stringValue
            #expect(restartAt != nil)
            var pods: [KubeObject] = []
            let done = try await cluster.eventually(timeout: .seconds(120)) {
                pods = try await cluster.client.list(.pods, namespace: ns).items.filter { $0.deletionTimestamp == nil }
                let status = try await rollout(cluster, "timed").status
                return status?["restartedAt"]?.stringValue == restartAt && pods.count == 10
                    && Set(pods.map(\.name)).isDisjoint(with: before)
            }
            #expect(done, "pods \(pods.map(\.name))")
            #expect(try await cluster.eventually(event: { $0.json["reason"] == "RestartingPods" }, namespace: ns))
        }
    }

    @Test func aNewVersionPushedMidRolloutScalesTheInFlightCanaryAway() async throws {
        try await withController { cluster, ns in
            var object = KubeObject(try YAML.parse(try String(contentsOf: Self.canaryFile, encoding: .utf8)))
            object.namespace = ns
            _ = try await cluster.client.create(object)
            let (blue, yellow, green) = (
                "argoproj/rollouts-demo:blue", "argoproj/rollouts-demo:yellow", "argoproj/rollouts-demo:green"
            )
            try await waitFor(cluster, "rollout-canary", phase: "Healthy", step: 8, replicas: [blue: 5])
            try await setImage(cluster, "rollout-canary", container: "rollouts-demo", image: yellow)
            try await waitFor(cluster, "rollout-canary", phase: "Paused", step: 1, replicas: [yellow: 1, blue: 4])
            // Green replaces yellow: its canary starts the steps over, yellow is scaled to zero, blue stays stable.
            try await setImage(cluster, "rollout-canary", container: "rollouts-demo", image: green)
            try await waitFor(cluster, "rollout-canary", phase: "Paused", step: 1, replicas: [green: 1, blue: 4])
            let sets = try await cluster.client.list(.replicaSets, namespace: ns).items
            #expect(sets.count == 3)
        }
    }
}

extension RolloutControllerTests {
    /// What a child writes to `descriptor` until it has written `marker` or closed it.
    static func read(_ descriptor: Int32, until marker: String) -> String {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !String(decoding: data, as: UTF8.self).contains(marker) {
            let count = Foundation.read(descriptor, &buffer, buffer.count)
            guard count > 0 else { break }
            data.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: data, as: UTF8.self)
    }
}

import ArgumentParser
import Foundation
import Kube
import Rollouts

/// `capstan rollout list`.
struct RolloutList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List Rollouts.")
    @OptionGroup var kube: KubeOptions

    func run() async throws {
        try await kube.withClient { client in
            let namespace = try kube.appNamespace()
            let rollouts = try await client.listAll(RolloutController.gvr, namespace: namespace).items
            let sets = try await client.listAll(.replicaSets, namespace: namespace).items
            let rows = rollouts.map { rollout -> [String] in
                let s = RolloutSummary(rollout, replicaSets: sets)
                return [
                    s.name, s.strategy, s.phase, s.step, s.setWeight.map(String.init) ?? "-", String(s.desired),
                    String(s.updated), String(s.available),
                ]
            }
            print(
                Table.render(
                    ["NAME", "STRATEGY", "STATUS", "STEP", "SET-WEIGHT", "DESIRED", "UP-TO-DATE", "AVAILABLE"], rows))
        }
    }
}

/// `capstan rollout get NAME`: the Rollout's state and its ReplicaSets.
struct RolloutGet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get", abstract: "Show a Rollout, its step and weights, and its ReplicaSets.")
    @OptionGroup var kube: KubeOptions
    @Argument var name: String

    func run() async throws {
        try await kube.withClient { client in
            let namespace = try kube.appNamespace()
            let rollout = try await client.get(RolloutController.gvr, namespace: namespace, name: name)
            let sets = try await client.listAll(.replicaSets, namespace: namespace).items
            let s = RolloutSummary(rollout, replicaSets: sets)
            print(
                """
                Name:          \(s.name)
                Namespace:     \(s.namespace)
                Status:        \(s.phase)\(s.message.isEmpty ? "" : " (\(s.message))")
                Strategy:      \(s.strategy)
                  Step:        \(s.step)
                  SetWeight:   \(s.setWeight.map(String.init) ?? "-")
                  ActualWeight: \(s.actualWeight.map(String.init) ?? "-")
                Replicas:      desired \(s.desired), updated \(s.updated), available \(s.available)

                """)
            print(
                Table.render(
                    ["REPLICASET", "ROLE", "REVISION", "READY", "IMAGE"],
                    s.replicaSets.map { [$0.name, $0.role, $0.revision, "\($0.available)/\($0.desired)", $0.image] }))
        }
    }
}

/// `capstan rollout status NAME [--watch] [--timeout SECONDS]`: the phase, and with `--watch` a wait until
/// the rollout settles: Healthy or Paused ends it (exit 0), Degraded or the timeout fails it (exit 1).
struct RolloutStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show a Rollout's phase; --watch waits until it is Healthy or Paused.")
    @OptionGroup var kube: KubeOptions
    @Argument var name: String
    @Flag(help: "Wait until the rollout is Healthy, Paused or Degraded.") var watch = false
    @Option(help: "Seconds to wait with --watch (0: no limit).") var timeout: Int = 0

    func run() async throws {
        let settled = try await kube.withClient { client -> String in
            let namespace = try kube.appNamespace()
            let deadline = timeout > 0 ? ContinuousClock.now + .seconds(timeout) : nil
            var last = ""
            while true {
                let rollout = try await client.get(RolloutController.gvr, namespace: namespace, name: name)
                let phase = rollout.status?["phase"]?.stringValue ?? "Progressing"
                let message = rollout.status?["message"]?.stringValue ?? ""
                let line = message.isEmpty ? phase : "\(phase) - \(message)"
                if line != last { print(line) }
                last = line
                let observed = rollout.status?["observedGeneration"]?.stringValue == String(rollout.generation)
                if !watch || (observed && ["Healthy", "Paused", "Degraded"].contains(phase)) { return phase }
                if let deadline, ContinuousClock.now >= deadline { return "timed out" }
                try await Task.sleep(for: .milliseconds(500))
            }
        }
        if settled == "timed out" { throw ValidationError("rollout \(name) did not settle in \(timeout) s") }
        if settled == "Degraded" { throw ExitCode(1) }
    }
}

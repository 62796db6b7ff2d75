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

import Analysis
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

/// `capstan rollout get NAME [--watch]`: the Rollout's state and a tree of its revisions, ReplicaSets, pods and
/// AnalysisRuns. With `--watch` it is drawn again whenever it changes: in place on a terminal, as a new block of
/// plain lines otherwise (a log, a pipe), until interrupted or `--timeout` seconds have passed.
struct RolloutGet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get", abstract: "Show a Rollout, its step and weights, and its ReplicaSets, pods and analysis.")
    @OptionGroup var kube: KubeOptions
    @Argument var name: String
    @Flag(help: "Keep the picture current until interrupted.") var watch = false
    @Option(help: "Seconds to watch (0: no limit).") var timeout: Int = 0

    func run() async throws {
        let terminal = isatty(STDOUT_FILENO) == 1
        try await kube.withClient { client in
            let namespace = try kube.appNamespace()
            let deadline = timeout > 0 ? ContinuousClock.now + .seconds(timeout) : nil
            var last = ""
            while true {
                let picture = try await Self.picture(client, namespace: namespace, name: name)
                if picture != last {
                    // Home and clear, then the new picture: a redraw in place. Written unbuffered, so a pipe
                    // sees each picture when it is drawn.
                    var text = picture + "\n"
                    if watch && terminal { text = "\u{1B}[H\u{1B}[2J" + text }
                    if watch && !terminal && !last.isEmpty { text = "\n" + text }
                    FileHandle.standardOutput.write(Data(text.utf8))
                    last = picture
                }
                guard watch else { return }
                if let deadline, ContinuousClock.now >= deadline { return }
                try await Task.sleep(for: .seconds(1))
            }
        }
    }

    static func picture(_ client: KubeClient, namespace: String?, name: String) async throws -> String {
        let rollout = try await client.get(RolloutController.gvr, namespace: namespace, name: name)
        let sets = try await client.listAll(.replicaSets, namespace: namespace).items
        let pods = try await client.listAll(.pods, namespace: namespace).items
        let runs = try await client.listAll(AnalysisCRDs.analysisRuns, namespace: namespace).items
        let tree = RolloutTree.render(rollout: rollout, replicaSets: sets, pods: pods, analysisRuns: runs, now: Date())
        return (tree.header + [""] + [Table.render(["NAME", "KIND", "STATUS", "AGE", "INFO"], tree.rows)])
            .joined(separator: "\n")
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

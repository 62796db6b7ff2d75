import ArgumentParser
import Foundation
import Kube
import Rollouts

/// `capstan rollout ...` (also `kubectl capstan rollout ...`): Rollouts as Argo Rollouts' kubectl plugin
/// drives them. So far: `list`, `get`, `status`, `lint`, `promote [--full]`, `abort`, `retry`, `pause`, `resume`,
/// `set image`, `undo`, `restart`.
struct RolloutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout", abstract: "Check and drive Rollouts.",
        subcommands: [
            RolloutList.self, RolloutGet.self, RolloutStatusCommand.self, RolloutLintCommand.self, RolloutPromote.self,
            RolloutAbort.self,
            RolloutRetry.self, RolloutPause.self,
            RolloutResume.self, RolloutSet.self, RolloutUndo.self, RolloutRestart.self,
        ])
}

/// `capstan rollout promote NAME [--full]`.
struct RolloutPromote: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote", abstract: "End the current pause (or step); --full skips every remaining step.")
    @OptionGroup var kube: KubeOptions
    @Argument var name: String
    @Flag(help: "Go to 100% on the new version now.") var full = false

    func run() async throws {
        try await RolloutActionRunner.run(full ? .promoteFull : .promote, name, kube, done: "promoted")
    }
}

/// `capstan rollout abort NAME`.
struct RolloutAbort: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "abort", abstract: "Send all traffic and replicas back to the stable version.")
    @OptionGroup var kube: KubeOptions
    @Argument var name: String

    func run() async throws { try await RolloutActionRunner.run(.abort, name, kube, done: "aborted") }
}

/// `capstan rollout retry NAME`.
struct RolloutRetry: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry", abstract: "Start an aborted update's steps over.")
    @OptionGroup var kube: KubeOptions
    @Argument var name: String

    func run() async throws { try await RolloutActionRunner.run(.retry, name, kube, done: "retried") }
}

/// `capstan rollout pause NAME`.
struct RolloutPause: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pause", abstract: "Hold the rollout where it is.")
    @OptionGroup var kube: KubeOptions
    @Argument var name: String

    func run() async throws { try await RolloutActionRunner.run(.pause, name, kube, done: "paused") }
}

/// `capstan rollout resume NAME`.
struct RolloutResume: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Let a paused rollout go on.")
    @OptionGroup var kube: KubeOptions
    @Argument var name: String

    func run() async throws { try await RolloutActionRunner.run(.resume, name, kube, done: "resumed") }
}

/// `capstan rollout restart NAME`.
struct RolloutRestart: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restart", abstract: "Replace every pod, one at a time (sets spec.restartAt).")
    @OptionGroup var kube: KubeOptions
    @Argument var name: String

    func run() async throws { try await RolloutActionRunner.run(.restart, name, kube, done: "restarts") }
}

/// `capstan rollout set image NAME CONTAINER=IMAGE`.
struct RolloutSet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Change a Rollout.", subcommands: [RolloutSetImage.self])
}

struct RolloutSetImage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image", abstract: "Set a container's image, which starts an update.")
    @OptionGroup var kube: KubeOptions
    @Argument var name: String
    @Argument(help: "CONTAINER=IMAGE") var assignment: String

    func run() async throws {
        let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw ValidationError("expected CONTAINER=IMAGE, not \(assignment)")
        }
        try await RolloutActionRunner.run(
            .setImage(container: parts[0], image: parts[1]), name, kube, done: "image updated")
    }
}

/// `capstan rollout undo NAME [--to-revision N]`.
struct RolloutUndo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "undo", abstract: "Go back to an earlier revision's pod template (the previous by default).")
    @OptionGroup var kube: KubeOptions
    @Argument var name: String
    @Option(help: "The revision to go back to.") var toRevision: Int?

    func run() async throws {
        try await RolloutActionRunner.run(.undo(toRevision: toRevision), name, kube, done: "rolled back")
    }
}

enum RolloutActionRunner {
    static func run(_ action: RolloutActions.Action, _ name: String, _ kube: KubeOptions, done: String) async throws {
        try await kube.withClient { client in
            try await RolloutActions.perform(action, name: name, namespace: try kube.appNamespace(), client: client)
        }
        print("rollout '\(name)' \(done)")
    }
}

/// `capstan rollout lint -f FILE`: checks every Rollout in the files as the controller will, without a cluster.
struct RolloutLintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint", abstract: "Check the Rollouts in manifest files (- reads standard input).")

    @Option(name: .shortAndLong, help: "A YAML or JSON manifest file; repeat for several.") var filename: [String]

    func run() throws {
        var invalid = 0
        for file in filename {
            let text: String
            do {
                text =
                    file == "-"
                    ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                    : try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw ValidationError("cannot read \(file): \(error.localizedDescription)")
            }
            let report = RolloutLint.check(text: text)
            for note in report.notes { print("\(file): \(note)") }
            if report.verdicts.isEmpty { print("\(file): no Rollout") }
            for verdict in report.verdicts {
                if verdict.problems.isEmpty {
                    print("\(file): rollout \(verdict.name): valid")
                    continue
                }
                invalid += 1
                print("\(file): rollout \(verdict.name): invalid")
                for problem in verdict.problems { print("  \(problem)") }
            }
        }
        if invalid > 0 { throw ExitCode(1) }
    }
}

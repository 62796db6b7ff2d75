import ArgumentParser
import Foundation
import Kube
import Rollouts

/// `capstan rollout ...` (also `kubectl capstan rollout ...`): Rollouts as Argo Rollouts' kubectl plugin
/// drives them. So far: `lint`.
struct RolloutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout", abstract: "Check and drive Rollouts.", subcommands: [RolloutLintCommand.self])
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

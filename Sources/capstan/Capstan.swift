import ArgumentParser
import Kube

/// The `capstan` command line.
@main
struct Capstan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capstan",
        abstract: "GitOps delivery for Kubernetes: sync from Git, progressive rollouts, analysis, image updates.",
        subcommands: [
            ClusterCommand.self, ControllerCommand.self, AppCommand.self, RolloutCommand.self, AnalysisCommand.self,
            ImageCommand.self, BenchCommand.self,
        ])

    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: explained(error))
        }
    }

    /// `error`, with what to do about it where the cause is a missing step rather than a fault: a cluster
    /// without Capstan's CustomResourceDefinitions has not seen `capstan controller` yet.
    static func explained(_ error: any Error) -> any Error {
        guard let error = error as? KubeError, error.code == 404,
            error.message.hasPrefix("the server has no resource"), error.message.contains("argoproj.io")
        else { return error }
        return CommandError(
            "\(error)\nThe cluster has no CustomResourceDefinition for it yet: `capstan controller` installs "
                + "Capstan's (Applications, Rollouts, AnalysisTemplates, AnalysisRuns) when it starts.")
    }
}

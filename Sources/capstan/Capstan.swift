import ArgumentParser

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
}

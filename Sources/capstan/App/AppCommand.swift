import ArgumentParser

/// `capstan app ...` (also `kubectl capstan app ...` when installed as `kubectl-capstan`): inspect and drive
/// Applications the way the `argocd app` commands do, talking only to the Kubernetes API.
struct AppCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "app", abstract: "Inspect and sync Applications.",
        subcommands: [
            AppList.self, AppGet.self, AppDiff.self, AppSync.self, AppHistory.self, AppRollback.self,
            AppRefresh.self, AppWait.self,
        ])
}

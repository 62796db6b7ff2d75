import ArgumentParser
import Foundation
import Kube
import Sync

/// `capstan app diff NAME`: exits 1 when the cluster differs from Git.
struct AppDiff: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff", abstract: "Show what differs between Git and the cluster.")
    @OptionGroup var kube: KubeOptions
    @Argument var name: String
    @Option(help: "Where to keep repository mirrors.") var cacheDir: String = FileManager.default.temporaryDirectory
        .appendingPathComponent("capstan-cli-cache").path

    func run() async throws {
        try await kube.withClient { client in
            let app = Application(try await client.get(Application.gvr, namespace: kube.appNamespace(), name: name))
            let report = try await AppDiffer.report(app, client: client, cacheDirectory: URL(fileURLWithPath: cacheDir))
            if report.differs {
                print(report.text)
                throw ExitCode(1)
            }
        }
    }
}

/// `capstan app sync NAME`: starts a sync operation and, unless `--async`, waits for its result.
struct AppSync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sync", abstract: "Sync an Application to Git.")
    @OptionGroup var kube: KubeOptions
    @Argument var name: String
    @Flag(help: "Delete tracked objects that are no longer in Git.") var prune = false
    @Flag(help: "Plan and report without changing anything.") var dryRun = false
    @Option(help: "Sync only this resource, as GROUP:KIND:NAME or GROUP:KIND:NAMESPACE/NAME (repeatable).")
    var resource: [String] = []
    @Option(help: "Revision to sync to instead of the target revision.") var revision: String?
    @Flag(name: .customLong("async"), help: "Return once the operation is requested.") var noWait = false
    @Option(help: "Seconds to wait for the operation.") var timeout: Int = 300

    func run() async throws {
        try await kube.withClient { client in
            let namespace = try kube.appNamespace()
            let keys = try resource.map { text -> ResourceKey in
                let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 3 else {
                    throw ValidationError("--resource must be GROUP:KIND:NAME, got '\(text)'")
                }
                let nameParts = parts[2].split(separator: "/").map(String.init)
                return ResourceKey(
                    group: parts[0], kind: parts[1], namespace: nameParts.count == 2 ? nameParts[0] : "",
                    name: nameParts.last ?? "")
            }
            let operation = SyncOperation.request(
                revision: revision, prune: prune, automated: false,
                username: ProcessInfo.processInfo.environment["USER"] ?? "capstan-cli",
                dryRun: dryRun, resources: keys, requestID: UUID().uuidString)
            _ = try await client.patch(
                Application.gvr, namespace: namespace, name: name, type: .merge, patch: ["operation": operation])
            guard !noWait else { return }
            try await OperationWaiter.wait(
                client: client, namespace: namespace, name: name, operation: operation, timeout: timeout)
        }
    }
}

/// `capstan app rollback NAME [ID]`: redeploys a history entry (the previous one by default).
struct AppRollback: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback", abstract: "Redeploy an earlier revision from history.")
    @OptionGroup var kube: KubeOptions
    @Argument var name: String
    @Argument(help: "History id (default: the deployment before the current one).") var id: Int64?
    @Flag(help: "Delete objects the earlier revision does not have.") var prune = false
    @Flag(
        help:
            "Roll back even with automated sync on; automation is then disabled (spec.syncPolicy.automated.enabled=false)."
    ) var force = false
    @Option(help: "Seconds to wait for the operation.") var timeout: Int = 300

    func run() async throws {
        try await kube.withClient { client in
            let namespace = try kube.appNamespace()
            let object = try await client.get(Application.gvr, namespace: namespace, name: name)
            let app = Application(object)
            if let automated = app.automated, automated.enabled {
                guard force else {
                    throw ValidationError(
                        "rollback is refused while automated sync is enabled (use --force to disable it and roll back)")
                }
                _ = try await client.patch(
                    Application.gvr, namespace: namespace, name: name, type: .merge,
                    patch: ["spec": ["syncPolicy": ["automated": ["enabled": false]]]])
            }
            let history = object.status?["history"]?.arrayValue ?? []
            let entry: JSON? =
                id.map { wanted in history.first { $0["id"]?.intValue == wanted } }
                ?? (history.count >= 2 ? history[history.count - 2] : nil)
            guard let entry, let revision = entry["revision"]?.stringValue else {
                throw ValidationError(id.map { "history has no entry \($0)" } ?? "history has no earlier deployment")
            }
            let operation = SyncOperation.request(
                revision: revision, prune: prune, automated: false, username: "rollback", source: entry["source"],
                requestID: UUID().uuidString)
            _ = try await client.patch(
                Application.gvr, namespace: namespace, name: name, type: .merge, patch: ["operation": operation])
            try await OperationWaiter.wait(
                client: client, namespace: namespace, name: name, operation: operation, timeout: timeout)
        }
    }
}

/// `capstan app refresh NAME [--hard]`.
struct AppRefresh: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refresh", abstract: "Compare with Git now (hard: also forget cached manifests).")
    @OptionGroup var kube: KubeOptions
    @Argument var name: String
    @Flag var hard = false

    func run() async throws {
        try await kube.withClient { client in
            _ = try await client.patch(
                Application.gvr, namespace: kube.appNamespace(), name: name, type: .merge,
                patch: [
                    "metadata": ["annotations": ["argocd.argoproj.io/refresh": .string(hard ? "hard" : "normal")]]
                ])
            print("refresh requested for \(name)")
        }
    }
}

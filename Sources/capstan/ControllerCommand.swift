import Analysis
import ArgumentParser
import Foundation
import ImageUpdater
import Kube
import Logging
import Operator
import Rollouts
import Sync
import UnixSignals

/// `capstan controller`: runs the controllers against the kubeconfig's cluster in one process: the
/// sync-and-health reconciler with the Git push and registry push webhook receivers, the Rollout controller,
/// the AnalysisRun controller and the image updater (each can be switched off).
struct ControllerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "controller", abstract: "Run the Application, Rollout and AnalysisRun controllers.")
    @OptionGroup var kube: KubeOptions
    @Flag(help: "Watch Applications in every namespace (default: only --namespace, else the context's).")
    var allNamespaces = false
    @Option(help: "Seconds between Git polls.") var pollSeconds: Int = 60
    @Option(help: "Port for the Git push webhook (POST /api/webhook); 0 picks one.") var webhookPort: Int = 8090
    @Option(help: "Directory for repository mirrors.") var cacheDir: String = ".capstan/repositories"
    @Option(help: "Concurrent reconciles.") var workers: Int = 4
    @Flag(help: "Do not run the Application controller.") var noApplications = false
    @Flag(help: "Do not run the Rollout controller.") var noRollouts = false
    @Flag(help: "Do not run the AnalysisRun controller.") var noAnalysis = false
    @Flag(help: "Do not run the image updater.") var noImageUpdater = false
    @Option(help: "How often Applications' images are checked against their registries (Go duration: 2m, 30s).")
    var imageUpdateInterval: String = "2m"
    @Option(
        help:
            "Watch Rollouts and AnalysisRuns only in this namespace (default: every namespace, as Argo Rollouts does).")
    var rolloutNamespace: String?

    func validate() throws { _ = try Self.interval(imageUpdateInterval) }

    static func interval(_ text: String) throws -> Duration {
        guard let interval = DurationParser.parse(text), interval > .zero else {
            throw ValidationError("--image-update-interval \"\(text)\" is not a duration like 2m or 30s")
        }
        return interval
    }

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        var logger = Logger(label: "capstan.controller")
        logger.logLevel = .info
        let client = try kube.client(logLevel: .warning)
        var options = ApplicationController.Options(
            namespace: allNamespaces ? nil : try kube.appNamespace(),
            cacheDirectory: URL(fileURLWithPath: cacheDir))
        options.pollInterval = .seconds(pollSeconds)
        options.workers = workers
        var stops: [@Sendable () async -> Void] = []
        var images: ImageUpdateController?
        var applications: ApplicationController?
        if !noApplications {
            let controller = ApplicationController(client: client, options: options, logger: logger)
            try await controller.start()  // installs the CRDs first
            applications = controller
        }
        if !noImageUpdater {
            let interval = try Self.interval(imageUpdateInterval)
            var imageOptions = ImageUpdateController.Options(
                namespace: options.namespace, controllerNamespace: options.namespace ?? "argocd",
                cacheDirectory: URL(fileURLWithPath: cacheDir).appendingPathComponent("write-back"))
            imageOptions.interval = interval
            let updater = ImageUpdateController(client: client, options: imageOptions, logger: logger) {
                [applications] app in
                // The sync loop picks the commit up now rather than at its next poll.
                for source in Sync.Application(app).sources {
                    _ = await applications?.refresh(repository: source.repoURL)
                }
            }
            try await updater.start()
            images = updater
            stops.append { await updater.stop() }
            print(
                "capstan controller: checking images of Applications in \(options.namespace ?? "all namespaces") "
                    + "every \(imageUpdateInterval)")
        }
        if let controller = applications {
            let signature = WebhookSignature(client: client, namespace: options.namespace ?? "argocd")
            let webhook = try await WebhookServer(
                controller: controller, signature: signature, images: images, logger: logger
            ).start(port: webhookPort)
            stops.append {
                await webhook.server.stop()
                await controller.stop()
            }
            print(
                "capstan controller: watching Applications in \(options.namespace ?? "all namespaces"); "
                    + "push webhook at http://127.0.0.1:\(webhook.port)/api/webhook"
                    + (images == nil ? "" : ", registry webhook at /api/registry-webhook"))
        }
        if !noRollouts {
            let rollouts = RolloutController(
                client: client, namespace: rolloutNamespace, workers: workers, logger: logger)
            try await rollouts.start()
            stops.append { await rollouts.stop() }
            print("capstan controller: watching Rollouts in \(rolloutNamespace ?? "all namespaces")")
        }
        if !noAnalysis {
            let analysis = AnalysisRunController(
                client: client, namespace: rolloutNamespace, workers: workers, logger: logger)
            try await analysis.start()
            stops.append { await analysis.stop() }
            print("capstan controller: watching AnalysisRuns in \(rolloutNamespace ?? "all namespaces")")
        }
        fflush(nil)  // the lines above reach a file or pipe now, not at exit
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        for await _ in signals { break }
        for stop in stops { await stop() }
        await shutDown("the Kubernetes client") { try await client.shutdown() }
    }
}

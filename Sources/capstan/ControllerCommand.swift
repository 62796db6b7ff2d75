import ArgumentParser
import Foundation
import Kube
import Logging
import Operator
import Sync
import UnixSignals

/// `capstan controller`: runs the sync-and-health reconciler against the kubeconfig's cluster, with the
/// Git push webhook receiver.
struct ControllerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "controller", abstract: "Run the Application controller.")
    @OptionGroup var kube: KubeOptions
    @Flag(help: "Watch Applications in every namespace (default: only --namespace, else the context's).")
    var allNamespaces = false
    @Option(help: "Seconds between Git polls.") var pollSeconds: Int = 60
    @Option(help: "Port for the Git push webhook (POST /api/webhook); 0 picks one.") var webhookPort: Int = 8090
    @Option(help: "Directory for repository mirrors.") var cacheDir: String = ".capstan/repositories"
    @Option(help: "Concurrent reconciles.") var workers: Int = 4

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
        let controller = ApplicationController(client: client, options: options, logger: logger)
        try await controller.start()
        let signature = WebhookSignature(client: client, namespace: options.namespace ?? "argocd")
        let webhook = try await WebhookServer(controller: controller, signature: signature, logger: logger).start(
            port: webhookPort)
        print(
            "capstan controller: watching Applications in \(options.namespace ?? "all namespaces"); push webhook at http://127.0.0.1:\(webhook.port)/api/webhook"
        )
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        for await _ in signals { break }
        await webhook.server.stop()
        await controller.stop()
        try? await client.shutdown()
    }
}

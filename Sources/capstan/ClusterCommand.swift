import ArgumentParser
import EmbeddedCluster
import Foundation
import Logging
import UnixSignals

/// `capstan cluster`: runs the embedded Kubernetes-compatible API server until interrupted.
struct ClusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster", abstract: "Run the embedded Kubernetes-compatible API server.")

    @Option(help: "Port to listen on (0 picks a free one).") var port: Int = 6443
    @Option(help: "Directory for the durable store and the kubeconfig.") var dataDir: String = ".capstan"
    @Flag(help: "Keep state in memory only.") var inMemory = false
    @Flag(help: "Do not simulate pods, ReplicaSets and Deployments.") var noSimulation = false
    @Option(help: "Require this bearer token. kubectl 1.32 does not send tokens over plain HTTP, so the default is none on 127.0.0.1.")
    var token: String?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        if let token, token.isEmpty { throw ValidationError("--token must not be empty") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        var logger = Logger(label: "capstan.cluster")
        logger.logLevel = .info
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let options = EmbeddedCluster.Options(dataPath: inMemory ? nil : dataDir + "/cluster.sqlite", port: port,
                                              token: token, simulateWorkloads: !noSimulation)
        let cluster = try await EmbeddedCluster.start(options, logger: logger)
        let kubeconfig = URL(fileURLWithPath: dataDir + "/kubeconfig").standardizedFileURL.path
        try cluster.writeKubeconfig(to: kubeconfig)
        print("""
            Capstan embedded cluster is serving at \(cluster.url)
            Point kubectl at it:
                export KUBECONFIG=\(kubeconfig)
                kubectl get namespaces
            State is kept in \(inMemory ? "memory" : dataDir + "/cluster.sqlite"). Press Ctrl-C to stop.
            """)
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        for await _ in signals { break }
        await cluster.stop()
    }
}

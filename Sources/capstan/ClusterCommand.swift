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
    @Option(help: "Require this bearer token (default: a random one, kept in the data directory).")
    var token: String?
    @Flag(
        help:
            "Serve plain HTTP without authentication instead of HTTPS with a token (kubectl sends no tokens over HTTP)."
    )
    var insecureHTTP = false
    @Option(
        help:
            "Generate simulated traffic for Services and serve its per-pod metrics at http://127.0.0.1:PORT/metrics for Prometheus (0 picks a free port)."
    )
    var metricsPort: Int?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        if let token, token.isEmpty { throw ValidationError("--token must not be empty") }
        if let metricsPort, !(0...65535).contains(metricsPort) {
            throw ValidationError("--metrics-port must be between 0 and 65535")
        }
    }

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        var logger = Logger(label: "capstan.cluster")
        logger.logLevel = .info
        try PrivateFiles.makeDirectory(dataDir)
        var options = EmbeddedCluster.Options(
            dataPath: inMemory ? nil : dataDir + "/cluster.sqlite", port: port,
            token: insecureHTTP ? nil : try token ?? Self.storedToken(in: dataDir),
            simulateWorkloads: !noSimulation)
        if !insecureHTTP { options.tlsDirectory = dataDir + "/pki" }
        options.simulatedMetricsPort = metricsPort
        let cluster = try await EmbeddedCluster.start(options, logger: logger)
        let kubeconfig = URL(fileURLWithPath: dataDir + "/kubeconfig").standardizedFileURL.path
        try cluster.writeKubeconfig(to: kubeconfig)
        print(
            """
            Capstan embedded cluster is serving at \(cluster.url)
            Point kubectl at it:
                export KUBECONFIG=\(kubeconfig)
                kubectl get namespaces
            State is kept in \(inMemory ? "memory" : dataDir + "/cluster.sqlite"). Press Ctrl-C to stop.
            """)
        if let target = cluster.metricsTarget {
            print("Simulated traffic metrics for Prometheus: http://\(target)/metrics")
        }
        // When stdout is a file or a pipe it is block-buffered; the banner must reach it now, not at exit
        // (fflush(nil) flushes every output stream).
        fflush(nil)
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        for await _ in signals { break }
        await cluster.stop()
    }

    /// A random token made once and kept in `dataDir/token`, so a restart keeps the kubeconfig valid.
    static func storedToken(in dataDir: String) throws -> String {
        let path = dataDir + "/token"
        // An existing token that cannot be read is an error: replacing it would break every kubeconfig made with it.
        if FileManager.default.fileExists(atPath: path) {
            let existing = try String(contentsOfFile: path, encoding: .utf8)
            if !existing.isEmpty { return existing.trimmingCharacters(in: .whitespacesAndNewlines) }
        }
        let token = (0..<4).map { _ in String(UInt64.random(in: 0..<UInt64.max), radix: 16) }.joined()
        try PrivateFiles.write(token, to: path)
        return token
    }
}

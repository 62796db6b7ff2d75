import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Kube
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle

/// A Kubernetes-compatible API server in the process: the store, the HTTP API on 127.0.0.1 and the
/// simulated nodes and controllers. Start it with `start()`, point clients at `clusterConfig` or the
/// kubeconfig written by `writeKubeconfig(to:)`, and `stop()` it at the end.
public final class EmbeddedCluster: Sendable {
    /// The `Server` header of every answer.
    static let serverName = "capstan-embedded-cluster"
    /// How to start a cluster.
    public struct Options: Sendable {
        /// SQLite file for durable state; `nil` keeps everything in memory.
        public var dataPath: String?
        /// 0 picks a free port.
        public var port: Int
        public var host: String
        /// Bearer token clients must send; `nil` disables authentication.
        public var token: String?
        public var maximumBodyBytes: Int
        public var watchHistory: Int
        public var bookmarkInterval: Duration
        /// Run the simulated kubelet and controller-manager (Deployments, ReplicaSets, pods, Endpoints, Jobs).
        public var simulateWorkloads: Bool
        /// How long a simulated pod takes from Pending to Ready.
        public var podStartDelay: Duration
        /// Serve HTTPS with a CA and server certificate kept in this directory (made on first use);
        /// `nil` serves plain HTTP.
        public var tlsDirectory: String?
        /// With TLS: require clients to present a certificate signed by the cluster's CA (as kube-apiserver's
        /// `--client-ca-file` does); such clients need no token.
        public var requireClientCertificates = false
        /// A connection with no request in progress (nor a TLS handshake finished) is closed after this long.
        public var idleTimeout: Duration = .seconds(60)
        /// Connections served at once; more wait in the listen backlog until one closes, so idle clients cannot
        /// use up the process's file descriptors.
        public var maximumConnections = ConnectionLimits.defaultMaximumConnections
        /// Generate request traffic for Services and serve its per-pod metrics over plain HTTP on this port
        /// (0 picks one) for Prometheus to scrape (`TrafficSimulator`); nil generates none. Needs
        /// `simulateWorkloads`.
        public var simulatedMetricsPort: Int?

        public init(
            dataPath: String? = nil, port: Int = 0, host: String = "127.0.0.1",
            token: String? = UUID().uuidString.lowercased(), maximumBodyBytes: Int = 3 * 1024 * 1024,
            watchHistory: Int = 10_000, bookmarkInterval: Duration = .seconds(5),
            simulateWorkloads: Bool = true, podStartDelay: Duration = .milliseconds(200)
        ) {
            self.dataPath = dataPath
            self.port = port
            self.host = host
            self.token = token
            self.maximumBodyBytes = maximumBodyBytes
            self.watchHistory = watchHistory
            self.bookmarkInterval = bookmarkInterval
            self.simulateWorkloads = simulateWorkloads
            self.podStartDelay = podStartDelay
            self.tlsDirectory = nil
        }
    }

    public let store: ClusterStore
    public let options: Options
    public let port: Int
    /// The CA and server certificate when serving HTTPS.
    public let certificates: SelfSignedCertificates?
    let server: ServiceRunner
    let simulation: Task<Void, Never>?
    let namespaceFinalizer: Task<Void, Never>
    let metrics: SimulatedMetricsServer?

    /// Opens the store, starts serving and returns once the port is bound.
    public static func start(_ options: Options = Options(), logger: Logger) async throws -> EmbeddedCluster {
        let store = try await ClusterStore(path: options.dataPath, watchHistory: options.watchHistory, logger: logger)
        let certificateAuth = options.requireClientCertificates && options.tlsDirectory != nil
        let responder = APIResponder(
            store: store, token: certificateAuth ? nil : options.token, maximumBodyBytes: options.maximumBodyBytes,
            bookmarkInterval: options.bookmarkInterval, logger: logger)
        let certificates = try options.tlsDirectory.map(SelfSignedCertificates.load(directory:))
        await store.setRootCA(certificates.map { String(decoding: $0.caPEM, as: UTF8.self) })
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [MalformedRequestHandler()],
            idleTimeout: ConnectionLimits.timeAmount(options.idleTimeout))
        let token = certificateAuth ? nil : options.token
        let snapshot = store.snapshot
        let makeHandler = { @Sendable in
            DirectReadHandler(snapshot: snapshot, token: token, serverName: Self.serverName)
        }
        let connection = { @Sendable (responder: @escaping HTTPChannelHandler.Responder) in
            DirectReadChannel(base: HTTP1Channel(responder: responder, configuration: http1), makeHandler: makeHandler)
        }
        var builder = HTTPServerBuilder { connection($0) }
        if let certificates {
            var tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: [
                    .certificate(try NIOSSLCertificate(bytes: certificates.certificatePEM, format: .pem))
                ],
                privateKey: .privateKey(try NIOSSLPrivateKey(bytes: certificates.keyPEM, format: .pem)))
            if options.requireClientCertificates {
                tls.certificateVerification = .noHostnameVerification
                tls.trustRoots = .certificates([try NIOSSLCertificate(bytes: certificates.caPEM, format: .pem)])
            }
            let configuration = tls
            builder = HTTPServerBuilder { try TLSChannel(connection($0), tlsConfiguration: configuration) }
        }
        let (port, server) = try await ListeningServer.start(
            "the embedded API server", host: options.host, port: options.port, logger: logger
        ) { onServerRunning in
            Application(
                responder: responder,
                server: builder,
                configuration: ApplicationConfiguration(
                    address: .hostname(options.host, port: options.port), serverName: Self.serverName,
                    availableConnectionsDelegate: .maximum(options.maximumConnections, logger: logger)),
                onServerRunning: onServerRunning,
                logger: logger)
        }
        let simulation =
            options.simulateWorkloads
            ? Task { await WorkloadSimulator(store: store, podStartDelay: options.podStartDelay, logger: logger).run() }
            : nil
        let namespaceFinalizer = Task {
            while !Task.isCancelled {
                if await store.finalizeTerminatingNamespaces() { continue }
                // Cancellation ends the sleep early; the loop condition then ends the task.
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        var metrics: SimulatedMetricsServer?
        if options.simulateWorkloads, let metricsPort = options.simulatedMetricsPort {
            do {
                metrics = try await SimulatedMetricsServer.start(
                    host: options.host, port: metricsPort, store: store, logger: logger)
            } catch {
                // What started already stops again, so a failed start leaves nothing running.
                simulation?.cancel()
                namespaceFinalizer.cancel()
                await server.stop()
                throw error
            }
        }
        return EmbeddedCluster(
            store: store, options: options, port: port, certificates: certificates, server: server,
            simulation: simulation, namespaceFinalizer: namespaceFinalizer, metrics: metrics)
    }

    init(
        store: ClusterStore, options: Options, port: Int, certificates: SelfSignedCertificates?,
        server: ServiceRunner, simulation: Task<Void, Never>?, namespaceFinalizer: Task<Void, Never>,
        metrics: SimulatedMetricsServer?
    ) {
        self.metrics = metrics
        self.store = store
        self.options = options
        self.port = port
        self.certificates = certificates
        self.server = server
        self.simulation = simulation
        self.namespaceFinalizer = namespaceFinalizer
    }

    public var url: String { "\(certificates == nil ? "http" : "https")://\(options.host):\(port)" }

    /// `host:port` of the simulated traffic's metrics endpoint (`/metrics`), when it is served.
    public var metricsTarget: String? { metrics.map { "\(options.host):\($0.port)" } }

    /// How a `KubeClient` reaches this cluster.
    public var clusterConfig: ClusterConfig {
        options.requireClientCertificates && certificates != nil
            ? ClusterConfig(
                server: url, certificateAuthorityPEM: certificates?.caPEM,
                clientCertificatePEM: certificates?.clientCertificatePEM, clientKeyPEM: certificates?.clientKeyPEM)
            : ClusterConfig(server: url, certificateAuthorityPEM: certificates?.caPEM, bearerToken: options.token)
    }

    /// A kubeconfig for kubectl and other clients, with context `capstan`.
    public var kubeconfig: String {
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: capstan
          cluster:
            server: \(url)
        \(certificates.map { "    certificate-authority-data: " + Data($0.caPEM).base64EncodedString() } ?? "")
        users:
        - name: capstan
          user:
        \(userLines)
        contexts:
        - name: capstan
          context:
            cluster: capstan
            user: capstan
            namespace: default
        current-context: capstan

        """
    }

    private var userLines: String {
        if options.requireClientCertificates, let certificates {
            return "    client-certificate-data: " + Data(certificates.clientCertificatePEM).base64EncodedString()
                + "\n    client-key-data: " + Data(certificates.clientKeyPEM).base64EncodedString()
        }
        return options.token.map { "    token: \($0)" } ?? "    {}"
    }

    public func writeKubeconfig(to path: String) throws {
        try PrivateFiles.write(kubeconfig, to: path)
    }

    /// Stops serving and the simulation and closes the durable store, which keeps its data for the next start.
    public func stop() async {
        await metrics?.stop()
        simulation?.cancel()
        namespaceFinalizer.cancel()
        await server.stop()
        await simulation?.value
        await namespaceFinalizer.value
        await store.close()
    }
}

extension Result where Failure == any Error {
    var failureDescription: String {
        if case .failure(let error) = self { return String(describing: error) }
        return "the server stopped before it was listening"
    }
}

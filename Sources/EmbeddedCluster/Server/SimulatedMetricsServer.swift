import Hummingbird
import Kube
import Logging
import NIOCore

/// Serves the simulated traffic's per-pod metrics (`GET /metrics`, Prometheus text format) over plain HTTP,
/// for a real Prometheus to scrape, and runs the traffic simulation while it serves.
final class SimulatedMetricsServer: Sendable {
    let port: Int
    let runner: ServiceRunner
    let traffic: Task<Void, Never>

    static func start(
        host: String, port: Int, store: ClusterStore, logger: Logger
    ) async throws
        -> SimulatedMetricsServer
    {
        let simulator = TrafficSimulator(store: store, logger: logger)
        let router = Router()
        router.get("/metrics") { _, _ -> Response in
            let text = await simulator.metricsText()
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        let (bound, runner) = try await ListeningServer.start(
            "the simulated metrics endpoint", host: host, port: port, logger: logger
        ) { onServerRunning in
            Application(
                router: router,
                configuration: .init(address: .hostname(host, port: port), serverName: "capstan-metrics"),
                onServerRunning: onServerRunning, logger: logger)
        }
        return SimulatedMetricsServer(port: bound, runner: runner, traffic: Task { await simulator.run() })
    }

    init(port: Int, runner: ServiceRunner, traffic: Task<Void, Never>) {
        self.port = port
        self.runner = runner
        self.traffic = traffic
    }

    func stop() async {
        traffic.cancel()
        await runner.stop()
        await traffic.value
    }
}

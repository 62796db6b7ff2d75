import AsyncHTTPClient
import Foundation
import Kube
import NIOCore
import NIOHTTP1

/// Debian's `prometheus` on 127.0.0.1 with a temporary data folder: a real server for the analysis providers
/// and templates. It scrapes `targets` (`host:port`) every `scrapeInterval`, and can start from samples written
/// in OpenMetrics text and back-filled with `promtool tsdb create-blocks-from openmetrics`.
public final class PrometheusServer: Sendable {
    public let port: Int
    let directory: String
    let process: SpawnedProcess

    public static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/prometheus") }

    public static func start(
        targets: [String] = [], scrapeInterval: String = "1s", backfill openMetrics: String? = nil
    ) async throws -> PrometheusServer {
        let server = try PrometheusServer(targets: targets, scrapeInterval: scrapeInterval, backfill: openMetrics)
        let client = HTTPClient.shared
        for _ in 0..<300 {
            if let response = try? await client.execute(
                HTTPClientRequest(url: server.url + "/-/ready"), timeout: .seconds(2)),
                response.status == .ok
            {
                return server
            }
            guard server.process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        server.stop()
        throw PrometheusError(message: "prometheus did not become ready on port \(server.port)")
    }

    init(targets: [String], scrapeInterval: String, backfill openMetrics: String?) throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent(
                "capstan-prometheus-\(UUID().uuidString.prefix(8))"
            ).path
        try FileManager.default.createDirectory(atPath: "\(directory)/data", withIntermediateDirectories: true)
        port = try LoopbackPort.free()
        let targetList = targets.map { "'\($0)'" }.joined(separator: ", ")
        let config = """
            global: {scrape_interval: \(scrapeInterval), evaluation_interval: \(scrapeInterval)}
            scrape_configs:
              - job_name: capstan
                static_configs: [{targets: [\(targetList)]}]
            """
        try config.write(toFile: "\(directory)/prometheus.yml", atomically: true, encoding: .utf8)
        if let openMetrics {
            try openMetrics.write(toFile: "\(directory)/backfill.om", atomically: true, encoding: .utf8)
            let promtool = try SpawnedProcess([
                "/usr/bin/promtool", "tsdb", "create-blocks-from", "openmetrics", "\(directory)/backfill.om",
                "\(directory)/data",
            ])
            let status = promtool.waitForExit()
            guard status == 0 else { throw PrometheusError(message: "promtool exited with \(status)") }
        }
        process = try SpawnedProcess([
            "/usr/bin/prometheus", "--config.file=\(directory)/prometheus.yml",
            "--storage.tsdb.path=\(directory)/data", "--web.listen-address=127.0.0.1:\(port)",
            "--storage.tsdb.retention.time=30d", "--log.level=error",
        ])
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    public func stop() {
        process.stop()
        try? FileManager.default.removeItem(atPath: directory)  // a leftover temporary folder is harmless
    }
}

/// Prometheus could not be started.
public struct PrometheusError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

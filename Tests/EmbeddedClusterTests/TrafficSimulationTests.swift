import AsyncHTTPClient
import Foundation
import Kube
import KubeTestSupport
import Logging
import NIOCore
import Testing

@testable import EmbeddedCluster

/// The simulated Service traffic: behaviours with error rates and latencies parse, counts stay exact over
/// ticks, and the metrics endpoint serves each Ready pod's series in Prometheus text format.
@Suite struct TrafficSimulationTests {
    @Test func trafficPartsParseBesideTheLifecycle() {
        #expect(PodBehaviour("healthy,errors=0.3,latency=250ms") == .healthy)
        #expect(PodBehaviour("errors=0.3") == .healthy)
        #expect(PodBehaviour("ready-after=5s, errors=1") == .readyAfter(.seconds(5)))
        #expect(PodBehaviour("errors=2") == nil && PodBehaviour("latency=soon") == nil)
        #expect(PodBehaviour("crash-loop,fail") == nil)
        #expect(TrafficProfile("healthy,errors=0.25,latency=1.5s") == TrafficProfile(errorRate: 0.25, latency: 1.5))
    }

    @Test func countsStayExactAcrossTicks() {
        var entry = TrafficSimulator.Series(labels: "x")
        for _ in 0..<30 {
            TrafficSimulator.serve(3.4, profile: TrafficProfile(errorRate: 0.1, latency: 0.3), into: &entry)
        }
        #expect(entry.ok + entry.errors == 102 && entry.errors == 10)
        let le = TrafficSimulator.buckets.firstIndex(of: 0.5) ?? 0
        #expect(entry.bucketCounts[le] == 102 && entry.bucketCounts[le - 1] == 0)
    }

    @Test func theEndpointServesEveryReadyPodBehindAService() async throws {
        try await TestCluster.with(metrics: true) { cluster in
            let ns = cluster.namespace
            let target = try #require(cluster.embedded?.metricsTarget)
            for yaml in [
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata:
                      labels: {app: web}
                      annotations: {capstan.io/simulate: "healthy,errors=0.5"}
                    spec: {containers: [{name: web, image: example/web:1}]}
                """,
                "apiVersion: v1\nkind: Service\nmetadata: {name: web, annotations: {capstan.io/simulated-rps: \"100\"}}\nspec: {selector: {app: web}, ports: [{port: 80}]}",
            ] {
                var object = KubeObject(try YAML.parse(yaml))
                object.namespace = ns
                _ = try await cluster.client.create(object)
            }
            var text = ""
            let served = try await cluster.eventually(timeout: .seconds(30)) {
                let response = try await HTTPClient.shared.execute(
                    HTTPClientRequest(url: "http://\(target)/metrics"), timeout: .seconds(5))
                text = String(buffer: try await response.body.collect(upTo: 1 << 20))
                let errorLines = text.split(separator: "\n").filter {
                    $0.hasPrefix("http_requests_total{namespace=\"\(ns)\"") && $0.contains("code=\"500\"")
                }
                return errorLines.count == 2 && errorLines.allSatisfy { !$0.hasSuffix(" 0") }
            }
            #expect(served, "\(text)")
            #expect(text.contains("# TYPE http_request_duration_seconds histogram"))
            #expect(text.contains("service=\"web\"") && text.contains("le=\"+Inf\""))
        }
    }

    @Test func trafficObjectsSplitTheRequests() throws {
        func object(_ yaml: String) throws -> KubeObject { KubeObject(try YAML.parse(yaml)) }
        let services = try ["root", "stable", "canary", "plain"].map {
            try object("kind: Service\nmetadata: {name: \($0), namespace: n}\nspec: {selector: {app: \($0)}}")
        }
        let split = try object(
            "kind: TrafficSplit\nmetadata: {name: s, namespace: n}\nspec: {service: root, backends: [{service: canary, weight: 20}, {service: stable, weight: 80}]}"
        )
        let flows = TrafficFlow.flows(
            services: services, splits: [split], virtualServices: [], httpRoutes: [], ingresses: [])
        #expect(flows.count == 2)
        #expect(flows.first { $0.backends.count == 2 }?.backends.map(\.weight) == [20, 80])
        #expect(flows.contains { $0.backends.map(\.service) == ["plain"] })
        let stableIngress = try object(
            "kind: Ingress\nmetadata: {name: web, namespace: n}\nspec: {rules: [{http: {paths: [{backend: {service: {name: stable}}}]}}]}"
        )
        let canaryIngress = try object(
            "kind: Ingress\nmetadata: {name: ro-web-canary, namespace: n, annotations: {nginx.ingress.kubernetes.io/canary: \"true\", nginx.ingress.kubernetes.io/canary-weight: \"30\"}}\nspec: {rules: [{http: {paths: [{backend: {service: {name: canary}}}]}}]}"
        )
        let nginx = TrafficFlow.flows(
            services: services, splits: [], virtualServices: [], httpRoutes: [],
            ingresses: [stableIngress, canaryIngress])
        let routed = try #require(nginx.first { $0.backends.count == 2 })
        #expect(routed.backends.map(\.service) == ["stable", "canary"] && routed.backends.map(\.weight) == [70, 30])
        #expect(nginx.count == 3)  // root and plain still get their own traffic
    }

    @Test func aMetricsPortInUseIsAClearErrorAndStopsWhatStarted() async throws {
        try await TestCluster.with(metrics: true) { cluster in
            let taken = try #require(cluster.embedded?.metricsTarget?.split(separator: ":").last.flatMap { Int($0) })
            var options = EmbeddedCluster.Options(token: nil)
            options.simulatedMetricsPort = taken
            var logger = Logger(label: "test.metrics-port")
            logger.logLevel = .critical
            await #expect {
                _ = try await EmbeddedCluster.start(options, logger: logger)
            } throws: { error in
                "\(error)".contains("the simulated metrics endpoint could not listen on 127.0.0.1:\(taken)")
            }
        }
    }
}

import Analysis
import EmbeddedCluster
import Foundation
import Kube
import KubeTestSupport
import Testing

/// Every template in `analysis-templates/`, measured against Debian's Prometheus scraping the embedded
/// cluster's simulated traffic: a good version passes each one and a bad version (errors and slow answers)
/// fails each one.
@Suite struct ShippedTemplateTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("analysis-templates")

    /// A Deployment of `replicas` pods labelled `app: <app>` and with `hash` as their pod template hash,
    /// behaving as `behaviour` says.
    static func deployment(_ name: String, app: String, hash: String, behaviour: String, replicas: Int) -> KubeObject {
        KubeObject([
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": .string(name)],
            "spec": [
                "replicas": .int(Int64(replicas)),
                "selector": ["matchLabels": ["app": .string(app), "rollouts-pod-template-hash": .string(hash)]],
                "template": [
                    "metadata": [
                        "labels": ["app": .string(app), "rollouts-pod-template-hash": .string(hash)],
                        "annotations": ["capstan.io/simulate": .string(behaviour)],
                    ],
                    "spec": ["containers": [["name": "web", "image": "example/web:1"]]],
                ],
            ],
        ])
    }

    static func service(_ name: String, app: String) -> KubeObject {
        KubeObject([
            "apiVersion": "v1", "kind": "Service", "metadata": ["name": .string(name)],
            "spec": ["selector": ["app": .string(app)], "ports": [["port": 80]]],
        ])
    }

    func verdict(_ template: String, _ args: [String: String], prometheus: String) async throws -> AnalysisPhase {
        let text = try String(contentsOf: Self.directory.appendingPathComponent(template), encoding: .utf8)
        let spec = try AnalysisTemplates.merge(
            [try YAML.parse(text)["spec"] ?? [:]],
            args: args.map { AnalysisArgument(name: $0.key, value: $0.value) })
        let http = ProviderHTTP()
        let verdicts: [SingleEvaluation.Verdict]
        do {
            verdicts = try await SingleEvaluation.evaluate(
                AnalysisRunSpec(spec),
                providers: MetricProviders([PrometheusProvider(http: http, overrideAddress: prometheus)]),
                context: MeasurementContext(namespace: "default", runName: "template-test"))
        } catch {
            try await http.shutdown()
            throw error
        }
        try await http.shutdown()
        let measurement = try #require(verdicts.first?.measurement)
        return measurement.phase
    }

    @Test(.enabled(if: PrometheusServer.available)) func goodVersionsPassAndBadOnesFail() async throws {
        try await TestCluster.with(metrics: true) { cluster in
            let ns = cluster.namespace
            let target = try #require(cluster.embedded?.metricsTarget)
            let prometheus = try await PrometheusServer.start(targets: [target])
            defer { prometheus.stop() }
            for object in [
                Self.deployment("good", app: "good", hash: "good1", behaviour: "healthy", replicas: 2),
                Self.deployment(
                    "bad", app: "bad", hash: "bad1", behaviour: "healthy,errors=0.4,latency=2s", replicas: 2),
                Self.deployment("stable", app: "mixed", hash: "stable1", behaviour: "healthy", replicas: 2),
                Self.deployment("canary", app: "mixed", hash: "canary1", behaviour: "healthy,errors=0.5", replicas: 1),
                Self.service("good", app: "good"), Self.service("bad", app: "bad"), Self.service("mixed", app: "mixed"),
            ] {
                var object = object
                object.namespace = ns
                _ = try await cluster.client.create(object)
            }
            // Enough scrapes for a rate over the window.
            let scraped = try await cluster.eventually(timeout: .seconds(60)) {
                try await verdict(
                    "http-success-rate.yaml", ["service-name": "good", "namespace": ns, "window": "10s"],
                    prometheus: prometheus.url) == .successful
            }
            #expect(scraped, "the good service never measured successful")
            try await Task.sleep(for: .seconds(3))
            for template in [
                "http-success-rate.yaml", "http-error-rate.yaml", "http-latency-p95.yaml", "http-latency-p99.yaml",
            ] {
                let good = try await verdict(
                    template, ["service-name": "good", "namespace": ns, "window": "10s"], prometheus: prometheus.url)
                let bad = try await verdict(
                    template, ["service-name": "bad", "namespace": ns, "window": "10s"], prometheus: prometheus.url)
                #expect(good == .successful && bad == .failed, "\(template): good \(good), bad \(bad)")
            }
            let comparison = ["service-name": "mixed", "namespace": ns, "window": "10s", "stable-hash": "stable1"]
            let worse = try await verdict(
                "canary-vs-stable-error-rate.yaml", comparison.merging(["canary-hash": "canary1"]) { a, _ in a },
                prometheus: prometheus.url)
            let same = try await verdict(
                "canary-vs-stable-error-rate.yaml", comparison.merging(["canary-hash": "stable1"]) { a, _ in a },
                prometheus: prometheus.url)
            #expect(worse == .failed && same == .successful, "canary worse: \(worse), stable against itself: \(same)")
            // The canary's errors show on its own series.
            let errors = try await verdict(
                "http-error-rate.yaml",
                ["service-name": "mixed", "namespace": ns, "window": "10s", "pod-hash": "canary1"],
                prometheus: prometheus.url)
            #expect(errors == .failed)
        }
    }
}

import Analysis
import Foundation
import Kube
import KubeTestSupport
import Logging
import Testing

/// The AnalysisRun controller on the embedded cluster, measuring against Debian's Prometheus: runs that pass,
/// fail, error on a bad condition, are terminated, expire, measure with Jobs, and resume after a restart
/// without repeating a measurement.
@Suite struct AnalysisRunControllerTests {
    func withController(
        _ body: (TestCluster, AnalysisRunController) async throws -> Void
    ) async throws {
        try await TestCluster.with { cluster in
            let controller = AnalysisRunController(
                client: cluster.client, namespace: cluster.namespace, logger: Logger(label: "test.analysis"))
            try await controller.start()
            try await withAwaitedTeardown(controller, teardown: { await $0.stop() }) { controller in
                try await body(cluster, controller)
            }
        }
    }

    static func run(_ name: String, _ namespace: String, _ spec: JSON) -> KubeObject {
        KubeObject([
            "apiVersion": "argoproj.io/v1alpha1", "kind": "AnalysisRun",
            "metadata": ["name": .string(name), "namespace": .string(namespace)], "spec": spec,
        ])
    }

    static func prometheusMetric(_ name: String, query: String, _ address: String, _ extra: JSON) -> JSON {
        var metric: JSON = [
            "name": .string(name), "provider": ["prometheus": ["address": .string(address), "query": .string(query)]],
        ]
        for (key, value) in extra.objectValue ?? [:] { metric[key] = value }
        return metric
    }

    func waitForPhase(_ cluster: TestCluster, _ name: String, _ phase: String) async throws -> KubeObject {
        var last: KubeObject?
        let reached = try await cluster.eventually(timeout: .seconds(90)) {
            last = try await cluster.client.get(AnalysisCRDs.analysisRuns, namespace: cluster.namespace, name: name)
            return last?.status?["phase"]?.stringValue == phase
        }
        #expect(reached, "\(name) wanted \(phase), status \(last?.status?.serialized() ?? "none")")
        return try #require(last)
    }

    @Test(.enabled(if: PrometheusServer.available)) func runsPassFailAndStopAsArgoSays() async throws {
        let prometheus = try await PrometheusServer.start()
        defer { prometheus.stop() }
        try await withController { cluster, _ in
            let ns = cluster.namespace
            let address = prometheus.url
            _ = try await cluster.client.create(
                Self.run(
                    "passes", ns,
                    [
                        "metrics": [
                            Self.prometheusMetric(
                                "success-rate", query: "vector(0.97)", address,
                                ["interval": "1s", "count": 3, "successCondition": "result[0] >= 0.95"])
                        ]
                    ]))
            _ = try await cluster.client.create(
                Self.run(
                    "fails", ns,
                    [
                        "metrics": [
                            Self.prometheusMetric(
                                "error-rate", query: "vector(0.5)", address,
                                ["interval": "1s", "failureLimit": 1, "failureCondition": "result[0] > 0.1"]),
                            Self.prometheusMetric("background", query: "vector(1)", address, ["interval": "1s"]),
                        ]
                    ]))
            _ = try await cluster.client.create(
                Self.run(
                    "typo", ns,
                    [
                        "metrics": [
                            Self.prometheusMetric(
                                "m", query: "vector(1)", address, ["successCondition": "result[0] >="])
                        ]
                    ]))
            _ = try await cluster.client.create(
                Self.run(
                    "forever", ns,
                    ["metrics": [Self.prometheusMetric("m", query: "vector(1)", address, ["interval": "1s"])]]))

            let passed = try await waitForPhase(cluster, "passes", "Successful")
            let result = try #require(passed.status?["metricResults"]?[0])
            #expect(result["count"] == 3 && result["successful"] == 3 && result["measurements"]?.arrayValue?.count == 3)
            #expect(result["measurements"]?[0]?["value"] == "[0.97]")
            #expect(passed.status?["runSummary"]?["successful"] == 1)

            // Two failures exceed failureLimit 1; the other metric is stopped with the run.
            let failed = try await waitForPhase(cluster, "fails", "Failed")
            #expect(
                failed.status?["message"]
                    == "Metric \"error-rate\" assessed Failed due to failed (2) > failureLimit (1)")
            #expect(failed.status?["metricResults"]?.arrayValue?.count == 2)

            _ = try await cluster.client.create(
                Self.run(
                    "bad-interval", ns,
                    ["metrics": [Self.prometheusMetric("m", query: "vector(1)", address, ["interval": "soon"])]]))
            let badInterval = try await waitForPhase(cluster, "bad-interval", "Error")
            #expect(
                badInterval.status?["message"]
                    == "Analysis spec invalid: metric \"m\" interval \"soon\" is not a duration")
            let typo = try await waitForPhase(cluster, "typo", "Error")
            let message = typo.status?["message"]?.stringValue ?? ""
            #expect(message.hasPrefix("Analysis spec invalid") && message.contains("column 13"), "\(message)")

            // An indefinite metric runs until terminated; then the run is Successful, "Run Terminated".
            try await Task.sleep(for: .seconds(2))
            _ = try await cluster.client.patch(
                AnalysisCRDs.analysisRuns, namespace: ns, name: "forever", type: .merge,
                patch: ["spec": ["terminate": true]])
            let terminated = try await waitForPhase(cluster, "forever", "Successful")
            #expect(terminated.status?["message"] == "Run Terminated")

            #expect(
                try await cluster.eventually(
                    event: { $0.json["reason"] == "AnalysisRunFailed" && $0.json["type"] == "Warning" }, namespace: ns))
            #expect(try await cluster.eventually(event: { $0.json["reason"] == "MetricFailed" }, namespace: ns))
        }
    }

    @Test(.enabled(if: PrometheusServer.available)) func aRestartedControllerNeitherRepeatsNorSkips() async throws {
        let prometheus = try await PrometheusServer.start()
        defer { prometheus.stop() }
        try await TestCluster.with { cluster in
            let ns = cluster.namespace
            try await CustomResources.ensure(
                AnalysisCRDs.definitions, client: cluster.client, served: AnalysisCRDs.analysisRuns)
            _ = try await cluster.client.create(
                Self.run(
                    "restarted", ns,
                    [
                        "metrics": [
                            Self.prometheusMetric(
                                "m", query: "vector(1)", prometheus.url, ["interval": "2s", "count": 4])
                        ]
                    ]))
            let first = AnalysisRunController(
                client: cluster.client, namespace: ns, logger: Logger(label: "test.first"))
            try await first.start()
            _ = try await cluster.eventually(timeout: .seconds(60)) {
                let run = try await cluster.client.get(AnalysisCRDs.analysisRuns, namespace: ns, name: "restarted")
                return (run.status?["metricResults"]?[0]?["count"]?.intValue ?? 0) >= 2
            }
            await first.stop()
            try await Task.sleep(for: .seconds(3))
            let second = AnalysisRunController(
                client: cluster.client, namespace: ns, logger: Logger(label: "test.second"))
            try await second.start()
            try await withAwaitedTeardown(second, teardown: { await $0.stop() }) { _ in
                let run = try await waitForPhase(cluster, "restarted", "Successful")
                let measurements = run.status?["metricResults"]?[0]?["measurements"]?.arrayValue ?? []
                #expect(measurements.count == 4 && run.status?["metricResults"]?[0]?["count"] == 4)
                let finished = measurements.compactMap { $0["finishedAt"]?.stringValue.flatMap(KubeTime.parse) }
                // Each measurement waited its interval after the previous one (seconds precision: at least 1 s).
                for (earlier, later) in zip(finished, finished.dropFirst()) {
                    #expect(later.timeIntervalSince(earlier) >= 1)
                }
            }
        }
    }

    @Test func jobMetricsSecretsAndTTL() async throws {
        try await withController { cluster, _ in
            let ns = cluster.namespace
            func job(_ behaviour: String) -> JSON {
                [
                    "spec": [
                        "backoffLimit": 0,
                        "template": [
                            "metadata": ["annotations": ["capstan.io/simulate": .string(behaviour)]],
                            "spec": ["restartPolicy": "Never", "containers": [["name": "t", "image": "busybox"]]],
                        ],
                    ]
                ]
            }
            _ = try await cluster.client.create(
                Self.run("job-passes", ns, ["metrics": [["name": "smoke", "provider": ["job": job("healthy")]]]]))
            _ = try await cluster.client.create(
                Self.run("job-fails", ns, ["metrics": [["name": "smoke", "provider": ["job": job("fail")]]]]))
            _ = try await waitForPhase(cluster, "job-passes", "Successful")
            _ = try await waitForPhase(cluster, "job-fails", "Failed")
            let jobs = try await cluster.client.list(.jobs, namespace: ns).items.map(\.name).sorted()
            #expect(jobs == ["job-fails-smoke-1", "job-passes-smoke-1"])

            // A missing Secret is an Error naming it; the TTL deletes a completed run.
            _ = try await cluster.client.create(
                Self.run(
                    "needs-secret", ns,
                    [
                        "args": [["name": "token", "valueFrom": ["secretKeyRef": ["name": "absent", "key": "t"]]]],
                        "metrics": [["name": "m", "provider": ["web": ["url": "http://127.0.0.1:1/{{args.token}}"]]]],
                        "ttlStrategy": ["secondsAfterCompletion": 2],
                    ]))
            let failed = try await waitForPhase(cluster, "needs-secret", "Error")
            #expect((failed.status?["message"]?.stringValue ?? "").contains("absent"))
            let deleted = try await cluster.eventually(timeout: .seconds(30)) {
                try await cluster.client.getIfExists(AnalysisCRDs.analysisRuns, namespace: ns, name: "needs-secret")
                    == nil
            }
            #expect(deleted)
        }
    }
}

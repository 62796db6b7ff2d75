import Analysis
import KubeTestSupport
import Logging
import Rollouts

/// Runs `body` on a fresh embedded cluster with the Rollout controller (and, with `analysis`, the AnalysisRun
/// controller) watching the test's namespace; both are stopped, awaited, whatever `body` does.
func withRolloutControllers(
    analysis: Bool = false, metrics: Bool = false, _ body: (TestCluster, String) async throws -> Void
) async throws {
    try await TestCluster.with(metrics: metrics) { cluster in
        let rollouts = RolloutController(
            client: cluster.client, namespace: cluster.namespace, logger: Logger(label: "test.rollouts"))
        try await rollouts.start()
        try await withAwaitedTeardown(rollouts, teardown: { await $0.stop() }) { _ in
            guard analysis else { return try await body(cluster, cluster.namespace) }
            let runs = AnalysisRunController(
                client: cluster.client, namespace: cluster.namespace, logger: Logger(label: "test.analysis"))
            try await runs.start()
            try await withAwaitedTeardown(runs, teardown: { await $0.stop() }) { _ in
                try await body(cluster, cluster.namespace)
            }
        }
    }
}

import Foundation
import Kube
import KubeTestSupport
import Logging
import Rollouts
import Sync
import Testing

/// An Application whose manifests in Git hold an Argo Rollout: a new image committed to Git starts a canary
/// through the sync loop, and the Application's health follows the Rollout (Suspended while it is paused,
/// Healthy once promoted).
@Suite struct RolloutApplicationTests {
    static func rollout(image: String) -> String {
        """
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata: {name: shop}
        spec:
          replicas: 2
          selector: {matchLabels: {app: shop}}
          template:
            metadata: {labels: {app: shop}}
            spec: {containers: [{name: shop, image: "\(image)"}]}
          strategy:
            canary:
              steps:
              - setWeight: 50
              - pause: {}
        """
    }

    @Test func aNewImageInGitStartsACanaryAndTheAppFollowsIt() async throws {
        try await SyncHarness.with { harness in
            let rollouts = RolloutController(
                client: harness.client, namespace: harness.namespace, logger: Logger(label: "test.rollouts"))
            try await rollouts.start()
            try await withAwaitedTeardown(rollouts, teardown: { await $0.stop() }) { _ in
                _ = try harness.repo.commit(["shop/rollout.yaml": Self.rollout(image: "example/shop:1")])
                try await harness.createApp("shop", path: "shop", automated: ["prune": true, "selfHeal": true])
                #expect(
                    try await harness.waitForApp("shop", timeout: .seconds(120)) {
                        $0.syncStatus == "Synced" && $0.healthStatus == "Healthy"
                    })
                _ = try harness.repo.commit(["shop/rollout.yaml": Self.rollout(image: "example/shop:2")])
                try await harness.refresh("shop")
                // Polled by hand, keeping every state seen for the failure message.
                var seen: [String] = []
                var suspended = false
                let deadline = ContinuousClock.now + .seconds(120)
                while !suspended && ContinuousClock.now < deadline {
                    let status = try await harness.app("shop").status ?? [:]
                    seen.append(
                        "\(status.syncStatus ?? "") \(status.healthStatus ?? "") \(status[path: ["sync", "revision"]]?.stringValue?.prefix(7) ?? "")"
                    )
                    suspended = status.syncStatus == "Synced" && status.healthStatus == "Suspended"
                    if !suspended { try await Task.sleep(for: .milliseconds(100)) }
                }
                #expect(suspended, "the app went through \(seen)")
                let live = try await harness.client.get(
                    RolloutController.gvr, namespace: harness.namespace, name: "shop")
                #expect(live.status?["currentStepIndex"] == 1 && live.status?["phase"] == "Paused", "\(live.json)")
                try await RolloutActions.perform(
                    .promote, name: "shop", namespace: harness.namespace, client: harness.client)
                #expect(
                    try await harness.waitForApp("shop", timeout: .seconds(120)) { $0.healthStatus == "Healthy" })
            }
        }
    }
}

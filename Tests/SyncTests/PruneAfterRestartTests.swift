import Foundation
import Kube
import KubeTestSupport
import Sync
import Testing

/// Prune must find every object an Application tracks, also of a kind Git no longer holds at all, and also
/// when the controller has just started and watches only what the current commit names.
@Suite struct PruneAfterRestartTests {
    @Test func aKindGoneFromGitIsPrunedByARestartedController() async throws {
        try await SyncHarness.with { h in
            try h.repo.commit([
                "app/cm.yaml": Manifests.configMap("kept", ["v": "1"]),
                "app/sa.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: leftover}\n",
            ])
            try await h.createApp("app", path: "app", automated: ["prune": true])
            #expect(
                try await h.waitForApp("app") { $0.syncStatus == "Synced" && $0["resources"]?.arrayValue?.count == 2 })
            await h.controller.stop()

            // While no controller runs, Git drops the only ServiceAccount.
            try h.repo.commit(["app/sa.yaml": nil])
            let restarted = try await SyncHarness.startController(cluster: h.cluster, pollInterval: .seconds(60))
            try await withAwaitedTeardown(restarted, teardown: { await $0.stop() }) { _ in
                try await h.refresh("app")
                let accounts = GroupVersionResource(group: "", version: "v1", resource: "serviceaccounts")
                #expect(
                    try await h.cluster.eventually {
                        do {
                            _ = try await h.client.get(accounts, namespace: h.namespace, name: "leftover")
                            return false
                        } catch let error as KubeError where error.code == 404 {
                            return true
                        }
                    })
                #expect(
                    try await h.waitForApp("app") {
                        $0.syncStatus == "Synced" && $0["resources"]?.arrayValue?.count == 1
                    })
            }
        }
    }
}

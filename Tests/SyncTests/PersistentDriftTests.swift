import Foundation
import Kube
import KubeTestSupport
import Sync
import Testing

/// An Application whose objects another writer keeps changing never settles. Self-heal must back off
/// rather than re-apply in a loop, and the Application must say which fields do not converge.
@Suite struct PersistentDriftTests {
    @Test func driftThatSyncCannotRemoveIsReportedAndBackedOff() async throws {
        try await SyncHarness.with { h in
            try h.repo.commit(["app/cm.yaml": Manifests.configMap("fought", ["v": "git"])])
            try await h.createApp("fought", path: "app", automated: ["selfHeal": true])
            #expect(try await h.waitForApp("fought") { $0.syncStatus == "Synced" })
            // Another writer (as a mutating webhook or a second controller would) puts its value back at once.
            let fighter = Task {
                while !Task.isCancelled {
                    _ = try? await h.client.patch(
                        .configMaps, namespace: h.namespace, name: "fought", type: .merge,
                        patch: ["data": ["v": "other"]], fieldManager: "fighter")
                    try? await Task.sleep(for: .milliseconds(50))
                }
            }
            defer { fighter.cancel() }
            // The condition goes whenever a self-heal sync briefly wins, so it is read while it is there.
            var message: String?
            for _ in 0..<120 where message == nil {
                message = PersistentDriftTests.driftCondition(try await h.app("fought").status ?? [:])
                try await Task.sleep(for: .milliseconds(250))
            }
            #expect(message?.contains("ConfigMap \(h.namespace)/fought data.v") == true, "\(message ?? "none")")
            #expect(try await h.statusAndEvents("fought").contains("PersistentDrift"))

            // Backing off from 100 ms and doubling, self-heal has reached delays of 800 ms or more by now, so
            // three seconds hold at most a handful of syncs; a loop would hold dozens. (A slower machine only
            // makes fewer.)
            let before = try await PersistentDriftTests.lastHistoryID(h)
            try await Task.sleep(for: .seconds(3))
            let after = try await PersistentDriftTests.lastHistoryID(h)
            #expect(after - before <= 5, "\(after - before) syncs in 3 s")
        }
    }

    @Test func driftWithoutSelfHealIsReportedOnceTheSyncHasSettled() async throws {
        try await SyncHarness.with { h in
            try h.repo.commit(["app/cm.yaml": Manifests.configMap("edited", ["v": "git"])])
            try await h.createApp("edited", path: "app", automated: [:])
            #expect(try await h.waitForApp("edited") { $0.syncStatus == "Synced" })
            _ = try await h.client.patch(
                .configMaps, namespace: h.namespace, name: "edited", type: .merge, patch: ["data": ["v": "hand"]],
                fieldManager: "kubectl-edit")
            #expect(try await h.waitForApp("edited") { $0.syncStatus == "OutOfSync" })
            // Within the settle time after the sync the drift is not reported yet. (On a loaded machine the
            // settle time may be over by the time OutOfSync is seen; then there is nothing to check here.)
            let early = try await h.app("edited").status ?? [:]
            if let finished = early[path: ["operationState", "finishedAt"]]?.stringValue.flatMap(KubeTime.parse),
                Date().timeIntervalSince(finished) < 3
            {
                #expect(PersistentDriftTests.driftCondition(early) == nil)
            }
            // Refreshed until the settle time after the sync has passed.
            #expect(
                try await h.cluster.eventually {
                    try await h.refresh("edited")
                    try await Task.sleep(for: .milliseconds(500))
                    let status = try await h.app("edited").status ?? [:]
                    return PersistentDriftTests.driftCondition(status)?.contains("edited data.v") == true
                })
            #expect(try await h.app("edited").status?["history"]?.arrayValue?.count == 1)
        }
    }

    /// A source changed in the Application (the image updater's `argocd` write-back sets kustomize images) is a
    /// new target at the same revision: auto-sync applies it without selfHeal, and it is not reported as drift.
    @Test func aChangedSourceAtTheSameRevisionIsSyncedNotDrift() async throws {
        try await SyncHarness.with { h in
            try h.repo.commit([
                "app/kustomization.yaml": "resources:\n- deployment.yaml\n",
                "app/deployment.yaml": YAML.render(Fixtures.deployment("web", namespace: h.namespace).json),
            ])
            try await h.createApp("web", path: "app", automated: [:])
            #expect(try await h.waitForApp("web") { $0.syncStatus == "Synced" })
            _ = try await h.client.patch(
                Sync.Application.gvr, namespace: h.namespace, name: "web", type: .merge,
                patch: ["spec": ["source": ["kustomize": ["images": ["nginx:1.27"]]]]])
            #expect(
                try await h.cluster.eventually {
                    let image = try await h.client.get(.deployments, namespace: h.namespace, name: "web")
                        .json[path: ["spec", "template", "spec", "containers"]]?[0]?["image"]
                    return image == "nginx:1.27"
                })
            // The new source is recorded in the history once its sync ends.
            let images: JSON = ["nginx:1.27"]
            #expect(
                try await h.cluster.eventually {
                    let last = try await h.app("web").status?["history"]?.arrayValue?.last
                    return last?[path: ["source", "kustomize", "images"]] == images
                })
            #expect(try await h.waitForApp("web") { $0.syncStatus == "Synced" })
            #expect(PersistentDriftTests.driftCondition(try await h.app("web").status ?? [:]) == nil)
            // Settled: refreshes compare again and start nothing (no sync loop over the changed source). Each
            // refresh is done once its annotation is gone; reconciles of one Application run one at a time.
            let settled = try await h.app("web").status?["history"]?.arrayValue?.count
            for _ in 0..<3 {
                try await h.refresh("web")
                #expect(
                    try await h.cluster.eventually {
                        try await h.app("web").annotations["argocd.argoproj.io/refresh"] == nil
                    })
            }
            #expect(try await h.app("web").json["operation"] == nil)
            #expect(try await h.app("web").status?["history"]?.arrayValue?.count == settled)
        }
    }

    static func driftCondition(_ status: JSON) -> String? {
        status["conditions"]?.arrayValue?.first { $0["type"] == "PersistentDriftWarning" }?["message"]?.stringValue
    }

    static func lastHistoryID(_ h: SyncHarness) async throws -> Int64 {
        try await h.app("fought").status?["history"]?.arrayValue?.last?["id"]?.intValue ?? -1
    }
}

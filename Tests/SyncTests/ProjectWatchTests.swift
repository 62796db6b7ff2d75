import Foundation
import Kube
import KubeTestSupport
import Logging
import Testing

@testable import Sync

/// AppProjects are watched: a new or changed project takes effect at once, not at the next poll (an hour
/// here). A project that cannot be read says why instead of claiming it does not exist.
@Suite struct ProjectWatchTests {
    static let projects = GroupVersionResource(group: "argoproj.io", version: "v1alpha1", resource: "appprojects")

    @Test func aNewOrChangedProjectTakesEffectAtOnce() async throws {
        try await SyncHarness.with(pollInterval: .seconds(3600)) { h in
            try h.repo.commit(["app/cm.yaml": Manifests.configMap("cm", ["v": "1"])])
            try await h.createApp("late", path: "app", automated: [:], extraSpec: ["project": "late"])
            #expect(try await h.waitForApp("late") { Self.condition($0, "InvalidSpecError", "does not exist") })

            _ = try await h.client.create(
                KubeObject(
                    apiVersion: "argoproj.io/v1alpha1", kind: "AppProject", name: "late", namespace: h.namespace,
                    body: [
                        "spec": [
                            "sourceRepos": ["*"], "destinations": [["server": "*", "namespace": .string(h.namespace)]],
                        ]
                    ]))
            #expect(try await h.waitForApp("late") { $0.syncStatus == "Synced" })

            _ = try await h.client.patch(
                Self.projects, namespace: h.namespace, name: "late", type: .merge,
                patch: ["spec": ["sourceRepos": ["https://git.example.com/*"]]])
            #expect(try await h.waitForApp("late") { Self.condition($0, "InvalidSpecError", "not permitted") })
        }
    }

    @Test func anUnreadableProjectIsAComparisonErrorNotAMissingOne() async throws {
        let unreachable = try KubeClient(
            config: ClusterConfig(server: "http://127.0.0.1:1"), logger: Logger(label: "test"), maximumAttempts: 1)
        try await withAwaitedTeardown(unreachable, teardown: { try? await $0.shutdown() }) { client in
            let app = Application(
                KubeObject(
                    apiVersion: "argoproj.io/v1alpha1", kind: "Application", name: "a", namespace: "argocd",
                    body: ["spec": ["project": "team"]]))
            do {
                _ = try await ProjectPolicy.load(app, client: client)
                Issue.record("loading from an unreachable server succeeded")
            } catch let error as ComparisonFailure {
                #expect(error.type == "ComparisonError")
                #expect(error.message.hasPrefix("cannot read project team:"), "\(error.message)")
            }
        }
    }

    static func condition(_ status: JSON, _ type: String, _ text: String) -> Bool {
        (status["conditions"]?.arrayValue ?? []).contains {
            $0["type"]?.stringValue == type && ($0["message"]?.stringValue ?? "").contains(text)
        }
    }
}

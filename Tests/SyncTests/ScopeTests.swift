import EmbeddedCluster
import Foundation
import Kube
import KubeTestSupport
import Logging
import Sync
import Testing

@Suite(.serialized) struct ScopeTests {
    @Test func appOfAppsCreatesChildrenAndWaitsForThemInWaves() async throws {
        try await SyncHarness.with { h in
            let child = """
                apiVersion: argoproj.io/v1alpha1
                kind: Application
                metadata:
                  name: child
                spec:
                  project: default
                  source: {repoURL: "\(h.repo.fileURL)", path: child, targetRevision: main}
                  destination: {server: "https://kubernetes.default.svc", namespace: \(h.namespace)}
                  syncPolicy: {automated: {prune: true}}

                """
            try h.repo.commit([
                "apps/child.yaml": child,
                "apps/after.yaml": Manifests.configMap(
                    "after-children", ["v": "1"], annotations: ["argocd.argoproj.io/sync-wave": "1"]),
                "child/web.yaml": Manifests.deployment("child-web"),
            ])
            try await h.createApp("root", path: "apps", automated: [:])
            // Two Applications syncing in turn, each waiting on health: on a loaded 2-core CI machine this has
            // taken more than 30 s, so the bound is generous (it is a bound, not a pace).
            #expect(
                try await h.waitForApp("root", timeout: .seconds(120)) {
                    $0.operationPhase == "Succeeded" && $0.healthStatus == "Healthy"
                })
            #expect(
                try await h.waitForApp("child", timeout: .seconds(60)) {
                    $0.syncStatus == "Synced" && $0.healthStatus == "Healthy"
                })
            // The ConfigMap in wave 1 was applied only after the child Application (wave 0) was Healthy.
            let root = try await h.app("root").status!
            let order = root[path: ["operationState", "syncResult", "resources"]]?.arrayValue?.compactMap {
                $0["name"]?.stringValue
            }
            #expect(order == ["child", "after-children"])
        }
    }

    @Test func projectRestrictionsBlockEverything() async throws {
        try await SyncHarness.with { h in
            try h.repo.commit([
                "app/cm.yaml": Manifests.configMap("cm", ["v": "1"]),
                "cluster/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: forbidden-ns}\n",
            ])
            _ = try await h.client.create(
                KubeObject(
                    apiVersion: "argoproj.io/v1alpha1", kind: "AppProject", name: "team",
                    namespace: h.namespace,
                    body: [
                        "spec": [
                            "sourceRepos": ["https://git.example.com/*"],
                            "destinations": [["server": "*", "namespace": .string(h.namespace)]],
                        ]
                    ]))
            try await h.createApp("wrong-repo", path: "app", automated: [:], extraSpec: ["project": "team"])
            #expect(
                try await h.waitForApp("wrong-repo") { status in
                    (status["conditions"]?.arrayValue ?? []).contains {
                        $0["type"] == "InvalidSpecError" && ($0["message"]?.stringValue ?? "").contains("not permitted")
                    }
                })
            #expect(await h.configMap("cm") == nil)
            _ = try await h.client.patch(
                GroupVersionResource(group: "argoproj.io", version: "v1alpha1", resource: "appprojects"),
                namespace: h.namespace, name: "team", type: .merge, patch: ["spec": ["sourceRepos": ["*"]]])
            // The project is watched: the app it now permits syncs without waiting for a poll.
            #expect(try await h.waitForApp("wrong-repo") { $0.syncStatus == "Synced" })
            try await h.createApp("cluster-scoped", path: "cluster", automated: [:], extraSpec: ["project": "team"])
            #expect(
                try await h.waitForApp("cluster-scoped") { status in
                    (status["conditions"]?.arrayValue ?? []).contains {
                        ($0["message"]?.stringValue ?? "").contains(":Namespace is not permitted")
                    }
                })
            try await h.createApp("missing-project", path: "app", automated: [:], extraSpec: ["project": "nope"])
            #expect(
                try await h.waitForApp("missing-project") {
                    ($0["conditions"]?.arrayValue ?? []).contains { $0["type"] == "InvalidSpecError" }
                })
            #expect((try? await h.client.get(.namespaces, name: "forbidden-ns")) == nil)
        }
    }

    @Test func retriesAFailedSyncAndGivesWayToANewerCommit() async throws {
        try await SyncHarness.with { h in
            try h.repo.commit(["app/bad.yaml": Manifests.configMap("Bad_Name", ["v": "1"])])
            let retry: JSON = ["limit": 2, "backoff": ["duration": "100ms", "factor": 2]]
            try await h.createApp(
                "app", path: "app", automated: [:], extraSpec: ["syncPolicy": ["automated": [:], "retry": retry]])
            #expect(
                try await h.waitForApp("app") {
                    $0.operationPhase == "Failed" && $0[path: ["operationState", "retryCount"]] == 2
                })
            // Automation does not start again for the revision that failed.
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await h.app("app").status?.operationPhase == "Failed")

            // With a long back-off, a fixing commit replaces the retrying revision.
            _ = try await h.client.patch(
                Application.gvr, namespace: h.namespace, name: "app", type: .merge,
                patch: [
                    "spec": ["syncPolicy": ["retry": ["limit": 10, "backoff": ["duration": "2s", "factor": 1]]]]
                ])
            let broken = try h.repo.commit(["app/bad.yaml": Manifests.configMap("Also_Bad", ["v": "1"])])
            try await h.refresh("app")
            #expect(
                try await h.waitForApp("app") {
                    $0[path: ["operationState", "syncResult", "revision"]]?.stringValue == broken
                        && $0.operationPhase == "Running"
                })
            let fixed = try h.repo.commit(["app/bad.yaml": Manifests.configMap("good-name", ["v": "1"])])
            #expect(
                try await h.waitForApp("app") {
                    $0[path: ["sync", "revision"]]?.stringValue == fixed && $0.syncStatus == "Synced"
                })
            #expect(await h.configMap("good-name") != nil)
        }
    }

    @Test func createNamespaceAndReplaceOptions() async throws {
        try await SyncHarness.with { h in
            let target = "created-\(h.namespace)"
            try h.repo.commit([
                "app/cm.yaml": Manifests.configMap(
                    "cm", ["v": "1"], annotations: ["argocd.argoproj.io/sync-options": "Replace=true"])
            ])
            try await h.createApp(
                "app", path: "app", automated: [:], syncOptions: ["CreateNamespace=true"],
                extraSpec: [
                    "destination": ["server": "https://kubernetes.default.svc", "namespace": .string(target)]
                ])
            #expect(try await h.waitForApp("app") { $0.syncStatus == "Synced" })
            let cm = try await h.client.get(.configMaps, namespace: target, name: "cm")
            #expect(cm.managedFields.contains { $0["operation"] == "Update" && $0["manager"] == "capstan" })
            _ = try? await h.client.delete(.namespaces, name: target)
        }
    }

    /// Argo CD's documented form; the namespace exists already with a label of its own, which stays.
    @Test func managedNamespaceMetadataIsAppliedToTheDestinationNamespace() async throws {
        try await SyncHarness.with { h in
            let target = "managed-\(h.namespace)"
            var existing = KubeObject(apiVersion: "v1", kind: "Namespace", name: target)
            existing.labels = ["team": "a"]
            _ = try await h.client.create(existing)
            try await withAwaitedTeardown(
                (), teardown: { _ in _ = try? await h.client.delete(.namespaces, name: target) }
            ) { _ in
                try h.repo.commit(["app/cm.yaml": Manifests.configMap("cm", ["v": "1"])])
                func policy(_ labels: JSON) -> JSON {
                    [
                        "automated": [:], "syncOptions": ["CreateNamespace=true"],
                        "managedNamespaceMetadata": [
                            "labels": labels, "annotations": ["the": "same", "applies": "for"],
                        ],
                    ]
                }
                try await h.createApp(
                    "app", path: "app",
                    extraSpec: [
                        "destination": ["server": "https://kubernetes.default.svc", "namespace": .string(target)],
                        "syncPolicy": policy(["any": "label", "you": "like"]),
                    ])
                #expect(try await h.waitForApp("app") { $0.syncStatus == "Synced" })
                var namespace = try await h.client.get(.namespaces, name: target)
                #expect(
                    namespace.labels["any"] == "label" && namespace.labels["you"] == "like"
                        && namespace.labels["team"] == "a")
                #expect(namespace.annotations["the"] == "same" && namespace.annotations["applies"] == "for")

                // A label dropped from the Application is removed at the next sync; the namespace's own label stays.
                var app = try await h.app("app")
                app.json[path: ["spec", "syncPolicy"]] = policy(["any": "label"])
                _ = try await h.client.update(app)
                let second = try h.repo.commit(["app/cm.yaml": Manifests.configMap("cm", ["v": "2"])])
                try await h.refresh("app")
                #expect(
                    try await h.waitForApp("app") {
                        $0[path: ["sync", "revision"]]?.stringValue == second && $0.syncStatus == "Synced"
                    })
                namespace = try await h.client.get(.namespaces, name: target)
                #expect(
                    namespace.labels["you"] == nil && namespace.labels["any"] == "label"
                        && namespace.labels["team"] == "a")
            }
        }
    }

    /// Argo CD's multi-source form: the chart's value file comes from a second source with `ref: values`.
    @Test func multiSourceRefsAreResolvedBeforeRendering() async throws {
        try await SyncHarness.with { h in
            try h.repo.commit([
                "chart/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n", "env/prod.yaml": "replicas: 3\n",
                "chart/templates/cm.yaml": Manifests.configMap("from-chart", ["replicas": "{{ .Values.replicas }}"]),
            ])
            func sources(_ refURL: String) -> JSON {
                [
                    [
                        "repoURL": .string(h.repo.fileURL), "path": "chart", "targetRevision": "main",
                        "helm": ["valueFiles": ["$values/env/prod.yaml"]],
                    ],
                    ["repoURL": .string(refURL), "targetRevision": "main", "ref": "values"],
                ]
            }
            try await h.createApp(
                "unreachable-ref", path: "chart",
                extraSpec: ["source": .null, "sources": sources("file:///nonexistent/values.git")])
            #expect(
                try await h.waitForApp("unreachable-ref") { status in
                    (status["conditions"]?.arrayValue ?? []).contains {
                        ($0["message"]?.stringValue ?? "").contains("source ref 'values'")
                    }
                })
            // With the reference readable, Helm renders the chart with the referenced value file.
            try await h.createApp(
                "readable-ref", path: "chart", automated: [:],
                extraSpec: ["source": .null, "sources": sources(h.repo.fileURL)])
            #expect(try await h.waitForApp("readable-ref") { $0.syncStatus == "Synced" })
            #expect(await h.configMap("from-chart")?.json[path: ["data", "replicas"]] == "3")
        }
    }

    @Test func unreadableSyncPolicyIsAnInvalidSpecError() async throws {
        try await SyncHarness.with { h in
            try h.repo.commit(["app/cm.yaml": Manifests.configMap("backoff-cm", ["v": "1"])])
            try await h.createApp(
                "app", path: "app",
                extraSpec: [
                    "syncPolicy": [
                        "automated": [:],
                        "retry": ["limit": 2, "backoff": ["duration": "5 seconds", "factor": 2, "maxDuration": "3m"]],
                    ]
                ])
            #expect(
                try await h.waitForApp("app") { status in
                    (status["conditions"]?.arrayValue ?? []).contains {
                        $0["type"] == "InvalidSpecError"
                            && ($0["message"]?.stringValue ?? "").contains("backoff.duration '5 seconds'")
                    }
                })
            #expect(await h.configMap("backoff-cm") == nil)

            // An unquoted number as a namespace label would be dropped by Kubernetes' string maps: say so instead.
            try await h.createApp(
                "labels", path: "app",
                extraSpec: [
                    "syncPolicy": [
                        "automated": [:], "syncOptions": ["CreateNamespace=true"],
                        "managedNamespaceMetadata": [
                            "labels": ["team": "a", "version": 2], "annotations": "owner=me",
                        ],
                    ]
                ])
            #expect(
                try await h.waitForApp("labels") { status in
                    (status["conditions"]?.arrayValue ?? []).contains {
                        let message = $0["message"]?.stringValue ?? ""
                        return $0["type"] == "InvalidSpecError" && message.contains("labels.version must be a string")
                            && message.contains("annotations must be a map of strings")
                    }
                })
            #expect(await h.configMap("backoff-cm") == nil)
        }
    }

    @Test func deploysToAClusterRegisteredByASecret() async throws {
        try await SyncHarness.with { h in
            var logger = Logger(label: "second")
            logger.logLevel = .critical
            let second = try await EmbeddedCluster.start(EmbeddedCluster.Options(token: "second-token"), logger: logger)
            try await withAwaitedTeardown(second, teardown: { second in await second.stop() }) { second in
                let secondClient = try KubeClient(config: second.clusterConfig, logger: logger)
                _ = try await secondClient.create(KubeObject(apiVersion: "v1", kind: "Namespace", name: "remote"))
                var secret = KubeObject(
                    apiVersion: "v1", kind: "Secret", name: "second-cluster", namespace: h.namespace,
                    body: [
                        "stringData": [
                            "name": "second", "server": .string(second.url),
                            "config": #"{"bearerToken":"second-token"}"#,
                        ]
                    ])
                secret.labels = ["argocd.argoproj.io/secret-type": "cluster"]
                _ = try await h.client.create(secret)
                try h.repo.commit(["app/cm.yaml": Manifests.configMap("remote-cm", ["v": "1"])])
                try await h.createApp(
                    "remote", path: "app", automated: [:],
                    extraSpec: [
                        "destination": ["name": "second", "namespace": "remote"]
                    ])
                #expect(try await h.waitForApp("remote") { $0.syncStatus == "Synced" })
                #expect((try? await secondClient.get(.configMaps, namespace: "remote", name: "remote-cm")) != nil)
                #expect(await h.configMap("remote-cm") == nil)
                try await h.createApp(
                    "unknown-cluster", path: "app", automated: [:],
                    extraSpec: [
                        "destination": ["server": "https://nowhere.example.com", "namespace": "x"]
                    ])
                #expect(
                    try await h.waitForApp("unknown-cluster") {
                        ($0["conditions"]?.arrayValue ?? []).contains {
                            ($0["message"]?.stringValue ?? "").contains("not registered")
                        }
                    })
                try? await secondClient.shutdown()
            }
        }
    }
}

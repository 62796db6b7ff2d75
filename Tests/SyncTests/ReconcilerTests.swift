import Foundation
import Kube
import KubeTestSupport
import Sync
import Testing

@Suite(.serialized) struct ReconcilerTests {
    @Test func autoSyncAppliesGitAndSelfHealsAKubectlEdit() async throws {
        try await SyncHarness.with { h in
            let sha = try h.repo.commit([
                "guestbook/cm.yaml": Manifests.configMap("settings", ["mode": "blue"]),
                "guestbook/web.yaml": Manifests.deployment("web"),
            ])
            try await h.createApp("guestbook", path: "guestbook", automated: ["prune": true, "selfHeal": true])
            #expect(try await h.waitForApp("guestbook") { $0.syncStatus == "Synced" && $0.healthStatus == "Healthy" })
            let status = try await h.app("guestbook").status!
            #expect(status[path: ["sync", "revision"]]?.stringValue == sha)
            #expect(status["resources"]?.arrayValue?.count == 2)
            #expect(status[path: ["summary", "images"]] == ["nginx:1.25"])
            #expect(status["history"]?.arrayValue?.count == 1)
            let cm = try #require(await h.configMap("settings"))
            #expect(cm.annotations["argocd.argoproj.io/tracking-id"] == "guestbook:/ConfigMap:\(h.namespace)/settings")

            // A hand edit with kubectl is drift; self-heal puts Git's value back.
            let kubeconfig = try h.cluster.kubeconfigPath()
            let edit = try await ChildProcess.run([
                "kubectl", "--kubeconfig", kubeconfig, "-n", h.namespace, "patch", "configmap", "settings",
                "--type", "merge", "-p", #"{"data":{"mode":"green"}}"#,
            ])
            #expect(edit.status == 0, "\(edit.output)")
            #expect(
                try await h.cluster.eventually {
                    await h.configMap("settings")?.json[path: ["data", "mode"]] == "blue"
                })
            #expect(try await h.waitForApp("guestbook") { $0.syncStatus == "Synced" })
        }
    }

    @Test func newCommitsAreDeployedAndPruneLeavesUntrackedObjectsAlone() async throws {
        try await SyncHarness.with { h in
            try h.repo.commit([
                "app/a.yaml": Manifests.configMap("a", ["v": "1"]), "app/b.yaml": Manifests.configMap("b", ["v": "1"]),
            ])
            try await h.createApp("app", path: "app", automated: ["prune": true])
            #expect(try await h.waitForApp("app") { $0.syncStatus == "Synced" })
            _ = try await h.client.create(Fixtures.configMap("handmade", namespace: h.namespace))

            let second = try h.repo.commit(["app/a.yaml": Manifests.configMap("a", ["v": "2"]), "app/b.yaml": nil])
            try await h.refresh("app")
            #expect(
                try await h.waitForApp("app") {
                    $0[path: ["sync", "revision"]]?.stringValue == second && $0.syncStatus == "Synced"
                })
            #expect(try await h.cluster.eventually { await h.configMap("b") == nil })
            #expect(await h.configMap("a")?.json[path: ["data", "v"]] == "2")
            #expect(await h.configMap("handmade") != nil)
            let history = try await h.app("app").status?["history"]?.arrayValue ?? []
            #expect(history.count == 2)
        }
    }

    @Test func withoutAutomatedPruneExtraObjectsAreReportedNotDeleted() async throws {
        try await SyncHarness.with { h in
            try h.repo.commit([
                "app/a.yaml": Manifests.configMap("a", ["v": "1"]), "app/b.yaml": Manifests.configMap("b", ["v": "1"]),
            ])
            try await h.createApp("app", path: "app", automated: ["prune": false])
            #expect(try await h.waitForApp("app") { $0.syncStatus == "Synced" })
            try h.repo.commit(["app/b.yaml": nil])
            try await h.refresh("app")
            #expect(
                try await h.waitForApp("app") { status in
                    status.syncStatus == "OutOfSync"
                        && (status["resources"]?.arrayValue ?? []).contains {
                            $0["name"] == "b" && $0["requiresPruning"] == true
                        }
                })
            #expect(await h.configMap("b") != nil)
            try await h.sync("app", prune: true)
            #expect(try await h.cluster.eventually { await h.configMap("b") == nil })
        }
    }

    @Test func brokenYAMLIsAComparisonErrorAndOtherAppsKeepSyncing() async throws {
        try await SyncHarness.with { h in
            try h.repo.commit([
                "broken/a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [oops\n",
                "good/a.yaml": Manifests.configMap("good", ["v": "1"]),
                "odd/a.yaml": Manifests.configMap(
                    "odd-wave", ["v": "1"], annotations: ["argocd.argoproj.io/sync-wave": "soon"]),
                "odd/b.yaml": Manifests.configMap(
                    "odd-hook", ["v": "1"], annotations: ["argocd.argoproj.io/hook": "PreSynk"]),
            ])
            try await h.createApp("broken", path: "broken", automated: [:])
            try await h.createApp("good", path: "good", automated: [:])
            #expect(try await h.waitForApp("good") { $0.syncStatus == "Synced" })
            #expect(
                try await h.waitForApp("broken") { status in
                    (status["conditions"]?.arrayValue ?? []).contains {
                        $0["type"] == "ComparisonError" && ($0["message"]?.stringValue ?? "").contains("a.yaml")
                    } && status.syncStatus == "Unknown"
                })
            #expect(
                try await h.cluster.eventually(event: {
                    $0.json["reason"] == "ComparisonError" && $0.json[path: ["involvedObject", "name"]] == "broken"
                }))

            // Annotation values that mean nothing are errors too, and nothing of that app is applied.
            try await h.createApp("odd", path: "odd", automated: [:])
            #expect(
                try await h.waitForApp("odd") { status in
                    (status["conditions"]?.arrayValue ?? []).contains {
                        $0["type"] == "ComparisonError"
                            && ($0["message"]?.stringValue ?? "").contains("is not an integer")
                    }
                })
            #expect(await h.configMap("odd-wave") == nil)
            #expect(await h.configMap("odd-hook") == nil)
        }
    }

    @Test func wavesApplyInOrderAndHooksRunInTheirPhases() async throws {
        try await SyncHarness.with { h in
            try h.repo.commit([
                "app/pre.yaml": Manifests.job("migrate", hook: "PreSync", deletePolicy: "HookSucceeded"),
                "app/first.yaml": Manifests.configMap(
                    "first", ["v": "1"], annotations: ["argocd.argoproj.io/sync-wave": "-1"]),
                "app/web.yaml": Manifests.deployment("web"),
                "app/last.yaml": Manifests.configMap(
                    "last", ["v": "1"], annotations: ["argocd.argoproj.io/sync-wave": "5"]),
                "app/post.yaml": Manifests.job("smoke", hook: "PostSync"),
            ])
            try await h.createApp("app", path: "app")
            try await h.sync("app")
            #expect(try await h.waitForApp("app") { $0.operationPhase == "Succeeded" })
            let results =
                try await h.app("app").status?[path: ["operationState", "syncResult", "resources"]]?.arrayValue ?? []
            let order = results.map { $0["name"]?.stringValue ?? "" }
            #expect(order == ["migrate", "first", "web", "last", "smoke"])
            #expect(results.first?["hookPhase"] == "Succeeded")
            // HookSucceeded deleted the PreSync job; the PostSync job (BeforeHookCreation) stays.
            let jobs = try await h.client.list(.jobs, namespace: h.namespace).items.map(\.name)
            #expect(!jobs.contains("migrate") && jobs.contains("smoke"))
            let web = try await h.client.get(.deployments, namespace: h.namespace, name: "web")
            let last = try #require(await h.configMap("last"))
            #expect(
                Int(last.resourceVersion ?? "0")! > Int(web.resourceVersion ?? "0")!
                    || web.status?["availableReplicas"] == 2)
        }
    }

    @Test func aFailingPostSyncHookRunsSyncFailHooks() async throws {
        try await SyncHarness.with { h in
            try h.repo.commit([
                "app/cm.yaml": Manifests.configMap("cm", ["v": "1"]),
                "app/post.yaml": Manifests.job("smoke", hook: "PostSync", fail: true),
                "app/onfail.yaml": Manifests.configMap(
                    "sync-failed", ["v": "1"], annotations: ["argocd.argoproj.io/hook": "SyncFail"]),
            ])
            try await h.createApp("app", path: "app")
            try await h.sync("app")
            #expect(try await h.waitForApp("app") { $0.operationPhase == "Failed" })
            let status = try await h.app("app").status!
            #expect(status[path: ["operationState", "message"]]?.stringValue?.contains("smoke") == true)
            #expect(await h.configMap("sync-failed") != nil)
            #expect(
                try await h.waitForApp("app") {
                    ($0["conditions"]?.arrayValue ?? []).contains { $0["type"] == "SyncError" }
                })
            #expect(try await h.app("app").json["operation"] == nil)
        }
    }

    @Test func historyAndRollback() async throws {
        try await SyncHarness.with { h in
            let first = try h.repo.commit(["app/cm.yaml": Manifests.configMap("cm", ["v": "1"])])
            try await h.createApp("app", path: "app")
            try await h.sync("app")
            #expect(try await h.waitForApp("app") { $0.operationPhase == "Succeeded" && $0.syncStatus == "Synced" })
            try h.repo.commit(["app/cm.yaml": Manifests.configMap("cm", ["v": "2"])])
            try await h.refresh("app")
            try await h.sync("app")
            #expect(try await h.waitForApp("app") { ($0["history"]?.arrayValue?.count ?? 0) == 2 })
            #expect(await h.configMap("cm")?.json[path: ["data", "v"]] == "2")
            try await h.sync("app", revision: first)
            #expect(try await h.waitForApp("app") { ($0["history"]?.arrayValue?.count ?? 0) == 3 })
            #expect(await h.configMap("cm")?.json[path: ["data", "v"]] == "1")
            #expect(try await h.waitForApp("app") { $0.syncStatus == "OutOfSync" })
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await h.app("app").status?["history"]?.arrayValue?.count == 3, "an operation runs exactly once")
        }
    }

    @Test func ignoreDifferencesAreRespectedBySyncAndExtraneousObjectsCanBeIgnored() async throws {
        try await SyncHarness.with { h in
            try h.repo.commit(["app/cm.yaml": Manifests.configMap("cm", ["mode": "git", "other": "1"])])
            try await h.createApp(
                "app", path: "app", automated: ["selfHeal": true], syncOptions: ["RespectIgnoreDifferences=true"],
                extraSpec: ["ignoreDifferences": [["group": "", "kind": "ConfigMap", "jsonPointers": ["/data/mode"]]]])
            #expect(try await h.waitForApp("app") { $0.syncStatus == "Synced" })
            _ = try await h.client.patch(
                .configMaps, namespace: h.namespace, name: "cm", type: .merge, patch: ["data": ["mode": "edited"]])
            try await h.refresh("app")
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await h.app("app").status?.syncStatus == "Synced")
            let second = try h.repo.commit(["app/cm.yaml": Manifests.configMap("cm", ["mode": "git", "other": "2"])])
            try await h.refresh("app")
            #expect(
                try await h.waitForApp("app") {
                    $0[path: ["sync", "revision"]]?.stringValue == second && $0.syncStatus == "Synced"
                })
            let cm = try #require(await h.configMap("cm"))
            #expect(cm.json[path: ["data", "other"]] == "2")
            #expect(cm.json[path: ["data", "mode"]] == "edited", "RespectIgnoreDifferences keeps the ignored field")

            var extra = Fixtures.configMap("generated", namespace: h.namespace)
            extra.json[path: ["metadata", "annotations"]] = [
                "argocd.argoproj.io/tracking-id": .string("app:/ConfigMap:\(h.namespace)/generated"),
                "argocd.argoproj.io/compare-options": "IgnoreExtraneous",
            ]
            _ = try await h.client.create(extra)
            try await h.refresh("app")
            #expect(
                try await h.waitForApp("app") { status in
                    (status["resources"]?.arrayValue ?? []).contains { $0["name"] == "generated" }
                        && status.syncStatus == "Synced"
                })
        }
    }

    @Test func fieldsOfAnIgnoredManagerAreNotDrift() async throws {
        try await SyncHarness.with { h in
            try h.repo.commit(["app/web.yaml": Manifests.deployment("web", replicas: 2)])
            try await h.createApp(
                "app", path: "app", automated: ["selfHeal": true],
                extraSpec: [
                    "ignoreDifferences": [["group": "apps", "kind": "Deployment", "managedFieldsManagers": ["scaler"]]]
                ])
            #expect(try await h.waitForApp("app") { $0.syncStatus == "Synced" })
            _ = try await h.client.patch(
                .deployments, namespace: h.namespace, name: "web", type: .merge,
                patch: ["spec": ["replicas": 5]], fieldManager: "scaler")
            try await h.refresh("app")
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await h.app("app").status?.syncStatus == "Synced")
            #expect(try await h.client.get(.deployments, namespace: h.namespace, name: "web").spec?["replicas"] == 5)
            // The same edit by an unnamed manager is drift, and self-heal reverts it.
            _ = try await h.client.patch(
                .deployments, namespace: h.namespace, name: "web", type: .merge,
                patch: ["spec": ["replicas": 7]], fieldManager: "someone")
            #expect(
                try await h.cluster.eventually {
                    try await h.client.get(.deployments, namespace: h.namespace, name: "web").spec?["replicas"] == 2
                })
        }
    }

    /// Argo CD's documented forms: a jq expression selecting one container's field, and a manager whose
    /// fields are ignored; with RespectIgnoreDifferences a later sync leaves both as the cluster has them.
    @Test func jqPathExpressionsAndManagersWithRespectIgnoreDifferences() async throws {
        try await SyncHarness.with { h in
            func deployment(label: String) -> String {
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                  labels: {release: "\(label)"}
                spec:
                  replicas: 2
                  selector:
                    matchLabels: {app: web}
                  template:
                    metadata:
                      labels: {app: web}
                    spec:
                      containers:
                      - name: app
                        image: nginx:1.25
                      - name: sidecar
                        image: proxy:1
                """
            }
            try h.repo.commit(["app/web.yaml": deployment(label: "one")])
            try await h.createApp(
                "app", path: "app", automated: ["selfHeal": true], syncOptions: ["RespectIgnoreDifferences=true"],
                extraSpec: [
                    "ignoreDifferences": [
                        [
                            "group": "apps", "kind": "Deployment",
                            "jqPathExpressions": [
                                #".spec.template.spec.containers[] | select(.name == "sidecar").image"#,
                                ".spec.nothing[]",
                            ],
                        ],
                        ["group": "apps", "kind": "Deployment", "managedFieldsManagers": ["scaler"]],
                    ]
                ])
            #expect(try await h.waitForApp("app") { $0.syncStatus == "Synced" })

            // A sidecar injector pins its image and an autoscaler scales: neither is drift.
            _ = try await h.client.patch(
                .deployments, namespace: h.namespace, name: "web", type: .strategicMerge,
                patch: ["spec": ["template": ["spec": ["containers": [["name": "sidecar", "image": "proxy:2"]]]]]],
                fieldManager: "injector")
            _ = try await h.client.patch(
                .deployments, namespace: h.namespace, name: "web", type: .merge,
                patch: ["spec": ["replicas": 5]], fieldManager: "scaler")
            try await h.refresh("app")
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await h.app("app").status?.syncStatus == "Synced")

            // A new commit syncs; the ignored fields keep their live values.
            let second = try h.repo.commit(["app/web.yaml": deployment(label: "two")])
            try await h.refresh("app")
            #expect(
                try await h.waitForApp("app") {
                    $0[path: ["sync", "revision"]]?.stringValue == second && $0.syncStatus == "Synced"
                })
            let web = try await h.client.get(.deployments, namespace: h.namespace, name: "web")
            #expect(web.labels["release"] == "two")
            #expect(web.spec?["replicas"] == 5)
            let containers = web.json[path: ["spec", "template", "spec", "containers"]]?.arrayValue ?? []
            #expect(containers.first { $0["name"] == "sidecar" }?["image"] == "proxy:2")

            // The other container is not selected: editing it is drift, and self-heal reverts it.
            _ = try await h.client.patch(
                .deployments, namespace: h.namespace, name: "web", type: .strategicMerge,
                patch: ["spec": ["template": ["spec": ["containers": [["name": "app", "image": "nginx:9"]]]]]],
                fieldManager: "someone")
            #expect(
                try await h.cluster.eventually {
                    let live = try await h.client.get(.deployments, namespace: h.namespace, name: "web")
                    return (live.json[path: ["spec", "template", "spec", "containers"]]?.arrayValue ?? []).first {
                        $0["name"] == "app"
                    }?["image"] == "nginx:1.25"
                })
        }
    }

    @Test func invalidJQExpressionIsAComparisonError() async throws {
        try await SyncHarness.with { h in
            try h.repo.commit(["app/cm.yaml": Manifests.configMap("jq-cm", ["v": "1"])])
            try await h.createApp(
                "app", path: "app", automated: [:],
                extraSpec: [
                    "ignoreDifferences": [["group": "", "kind": "ConfigMap", "jqPathExpressions": [".data | select("]]]
                ])
            #expect(
                try await h.waitForApp("app") { status in
                    (status["conditions"]?.arrayValue ?? []).contains {
                        $0["type"] == "ComparisonError"
                            && ($0["message"]?.stringValue ?? "").contains("'.data | select(' are not valid jq")
                    }
                })
            #expect(await h.configMap("jq-cm") == nil, "nothing is applied while the comparison fails")
        }
    }

    /// Argo CD's cascade: with `resources-finalizer.argocd.argoproj.io` the Application's resources go with it
    /// (except `Delete=false` ones and anything it does not track); without the finalizer they stay.
    @Test func deletingAnApplicationCascadesOnlyWithTheResourcesFinalizer() async throws {
        try await SyncHarness.with { h in
            try h.repo.commit([
                "cascade/doomed.yaml": Manifests.configMap("doomed", ["v": "1"]),
                "cascade/kept.yaml": Manifests.configMap(
                    "kept", ["v": "1"], annotations: ["argocd.argoproj.io/sync-options": "Delete=false"]),
                "plain/cm.yaml": Manifests.configMap("left-behind", ["v": "1"]),
            ])
            _ = try await h.client.create(Fixtures.configMap("bystander", namespace: h.namespace))
            try await h.createApp("cascade", path: "cascade", automated: [:])
            try await h.createApp("plain", path: "plain", automated: [:])
            _ = try await h.client.patch(
                Application.gvr, namespace: h.namespace, name: "cascade", type: .merge,
                patch: ["metadata": ["finalizers": ["resources-finalizer.argocd.argoproj.io"]]])
            #expect(try await h.waitForApp("cascade") { $0.syncStatus == "Synced" })
            #expect(try await h.waitForApp("plain") { $0.syncStatus == "Synced" })

            _ = try await h.client.delete(Application.gvr, namespace: h.namespace, name: "cascade")
            _ = try await h.client.delete(Application.gvr, namespace: h.namespace, name: "plain")
            #expect(
                try await h.cluster.eventually {
                    (try? await h.client.get(Application.gvr, namespace: h.namespace, name: "cascade")) == nil
                })
            #expect(await h.configMap("doomed") == nil)
            #expect(await h.configMap("kept") != nil, "Delete=false keeps the resource")
            #expect(await h.configMap("bystander") != nil, "objects the Application does not track are never deleted")
            #expect(await h.configMap("left-behind") != nil, "without the finalizer, resources stay")
        }
    }

    /// Argo CD's PostDelete hooks: never run by a sync; the Application gets the post-delete finalizer, and
    /// deleting it runs the hooks after its resources are gone, applying their delete policies.
    @Test func postDeleteHooksRunAfterTheApplicationIsDeleted() async throws {
        try await SyncHarness.with { h in
            try h.repo.commit([
                "app/cm.yaml": Manifests.configMap("pd-cm", ["v": "1"]),
                "app/report.yaml": Manifests.job("report", hook: "PostDelete"),
                "app/cleanup.yaml": Manifests.job("cleanup", hook: "PostDelete", deletePolicy: "HookSucceeded"),
            ])
            try await h.createApp("pd", path: "app", automated: [:])
            _ = try await h.client.patch(
                Application.gvr, namespace: h.namespace, name: "pd", type: .merge,
                patch: ["metadata": ["finalizers": ["resources-finalizer.argocd.argoproj.io"]]])
            #expect(try await h.waitForApp("pd") { $0.syncStatus == "Synced" })
            #expect(
                try await h.cluster.eventually {
                    try await h.app("pd").finalizers.contains("post-delete-finalizer.argocd.argoproj.io")
                })
            let jobs = GroupVersionResource(group: "batch", version: "v1", resource: "jobs")
            #expect(
                (try? await h.client.get(jobs, namespace: h.namespace, name: "report")) == nil,
                "a sync never runs PostDelete hooks")
            #expect(try await h.app("pd").status?["resources"]?.arrayValue?.count == 1)

            _ = try await h.client.delete(Application.gvr, namespace: h.namespace, name: "pd")
            #expect(
                try await h.cluster.eventually {
                    (try? await h.client.get(Application.gvr, namespace: h.namespace, name: "pd")) == nil
                })
            #expect(await h.configMap("pd-cm") == nil)
            let report = try await h.client.get(jobs, namespace: h.namespace, name: "report")
            #expect(report.status?["succeeded"] == 1, "the hook ran to completion before the Application went")
            #expect(
                try await h.cluster.eventually {
                    (try? await h.client.get(jobs, namespace: h.namespace, name: "cleanup")) == nil
                },
                "HookSucceeded removes the hook afterwards")
        }
    }
}

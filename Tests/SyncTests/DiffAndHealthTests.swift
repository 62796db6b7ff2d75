import Kube
import Sync
import Testing

@Suite struct DiffAndHealthTests {
    func object(_ json: JSON) -> KubeObject { KubeObject(json) }

    let desired = KubeObject([
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": ["name": "web", "namespace": "ns", "labels": ["app": "web"]],
        "spec": ["replicas": 2, "template": ["spec": ["containers": [["name": "app", "image": "nginx:1"]]]]],
    ])

    @Test func serverPopulatedFieldsAreNotDrift() {
        var live = desired
        live.json[path: ["metadata", "uid"]] = "u1"
        live.json[path: ["metadata", "resourceVersion"]] = "7"
        live.json[path: ["metadata", "generation"]] = 3
        live.json[path: ["spec", "strategy"]] = ["type": "RollingUpdate"]
        live.json[path: ["spec", "template", "spec", "containers"]] = [
            ["name": "app", "image": "nginx:1", "imagePullPolicy": "IfNotPresent"]
        ]
        live.json["status"] = ["replicas": 2]
        #expect(!ResourceDiff.compare(desired: desired, live: live).differs)
    }

    @Test func changedAndRemovedFieldsAreDrift() {
        var live = desired
        live.json[path: ["spec", "replicas"]] = 5
        let diff = ResourceDiff.compare(desired: desired, live: live)
        #expect(diff.changes.map(\.path) == ["spec.replicas"])
        // A label Capstan applied earlier but Git no longer has: applying would remove it, so it is drift.
        var applied = desired
        applied.json[path: ["metadata", "labels", "old"]] = "x"
        applied.json[path: ["metadata", "managedFields"]] = [
            [
                "manager": "capstan", "operation": "Apply",
                "fieldsV1": FieldSet(of: applied.json).fieldsV1,
            ]
        ]
        let removed = ResourceDiff.compare(desired: desired, live: applied)
        #expect(removed.changes.map(\.path) == ["metadata.labels.old"])
        // The same label set by someone else is not ours to remove.
        var foreign = applied
        foreign.json[path: ["metadata", "managedFields"]] = [
            ["manager": "kubectl", "operation": "Apply", "fieldsV1": FieldSet(of: applied.json).fieldsV1]
        ]
        #expect(!ResourceDiff.compare(desired: desired, live: foreign).differs)
        #expect(ResourceDiff.compare(desired: desired, live: nil).isMissing)
    }

    @Test func ignoreDifferencesByPointerAndManager() {
        var live = desired
        live.json[path: ["spec", "replicas"]] = 5
        let byPointer = IgnoreDifference(json: [
            "group": "apps", "kind": "Deployment", "jsonPointers": ["/spec/replicas"],
        ])
        #expect(!ResourceDiff.compare(desired: desired, live: live, ignore: [byPointer]).differs)
        live.json[path: ["metadata", "managedFields"]] = [
            [
                "manager": "hpa-controller", "operation": "Update",
                "fieldsV1": ["f:spec": ["f:replicas": [:]]],
            ]
        ]
        let byManager = IgnoreDifference(json: [
            "group": "apps", "kind": "*", "managedFieldsManagers": ["hpa-controller"],
        ])
        #expect(!ResourceDiff.compare(desired: desired, live: live, ignore: [byManager]).differs)
        let otherKind = IgnoreDifference(json: ["group": "", "kind": "ConfigMap", "jsonPointers": ["/spec/replicas"]])
        #expect(ResourceDiff.compare(desired: desired, live: live, ignore: [otherKind]).differs)
    }

    /// An ignoreDifferences pointer that is not a JSON pointer used to be ignored without a word.
    @Test func anInvalidIgnorePointerIsAnInvalidSpec() {
        let app = Application(
            KubeObject([
                "apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
                "metadata": ["name": "a", "namespace": "x"],
                "spec": [
                    "source": ["repoURL": "https://git.example.com/r", "path": "."],
                    "destination": ["server": "https://kubernetes.default.svc"],
                    "ignoreDifferences": [["kind": "Deployment", "jsonPointers": ["spec/replicas"]]],
                ],
            ]))
        #expect(
            app.validationErrors() == ["spec.ignoreDifferences[0].jsonPointers: 'spec/replicas' is not a JSON pointer"])
    }

    @Test func secretValuesAreMaskedInDiffOutput() {
        let secret = KubeObject([
            "apiVersion": "v1", "kind": "Secret", "metadata": ["name": "s", "namespace": "ns"],
            "stringData": ["password": "hunter2-new"],
        ])
        let live = KubeObject([
            "apiVersion": "v1", "kind": "Secret", "metadata": ["name": "s", "namespace": "ns"],
            "data": ["password": "aHVudGVyMi1vbGQ="],
        ])
        let diff = ResourceDiff.compare(desired: secret, live: live)
        #expect(diff.differs)
        let text = diff.render(for: ResourceKey(secret))
        #expect(!text.contains("hunter2") && !text.contains("aHVudGVy") && text.contains("++++++++"))
    }

    @Test func healthFollowsArgoRules() {
        var deployment = desired
        deployment.json[path: ["metadata", "generation"]] = 2
        deployment.json["status"] = ["observedGeneration": 1]
        #expect(HealthAssessor.assess(deployment).status == .progressing)
        deployment.json["status"] = [
            "observedGeneration": 2, "replicas": 2, "updatedReplicas": 2, "availableReplicas": 2,
        ]
        #expect(HealthAssessor.assess(deployment).status == .healthy)
        deployment.json["status"] = [
            "observedGeneration": 2, "conditions": [["type": "Progressing", "reason": "ProgressDeadlineExceeded"]],
        ]
        #expect(HealthAssessor.assess(deployment).status == .degraded)
        deployment.json[path: ["spec", "paused"]] = true
        #expect(HealthAssessor.assess(deployment).status == .suspended)
        let crashing = object([
            "apiVersion": "v1", "kind": "Pod", "metadata": ["name": "p"],
            "status": [
                "phase": "Running",
                "containerStatuses": [["name": "c", "state": ["waiting": ["reason": "CrashLoopBackOff"]]]],
            ],
        ])
        #expect(HealthAssessor.assess(crashing).status == .degraded)
        let lb = object([
            "apiVersion": "v1", "kind": "Service", "metadata": ["name": "s"], "spec": ["type": "LoadBalancer"],
        ])
        #expect(HealthAssessor.assess(lb).status == .progressing)
        let rollout = object([
            "apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "metadata": ["name": "r", "generation": 1],
            "status": ["observedGeneration": "1", "phase": "Paused"],
        ])
        #expect(HealthAssessor.assess(rollout).status == .suspended)
        let custom = object([
            "apiVersion": "x.io/v1", "kind": "Thing", "metadata": ["name": "t"],
            "status": ["conditions": [["type": "Ready", "status": "False", "message": "no"]]],
        ])
        #expect(HealthAssessor.assess(custom) == Health(.degraded, "no"))
        #expect(HealthAssessor.assess(nil).status == .missing)
        #expect(Health.worst([Health(.healthy), Health(.missing), Health(.suspended)]).status == .missing)
    }

    @Test func meaninglessSyncAnnotationsAreReported() {
        func annotated(_ annotations: [String: String]) -> SyncAnnotations {
            var object = KubeObject(apiVersion: "v1", kind: "ConfigMap", name: "c")
            object.json[path: ["metadata", "annotations"]] = .object(annotations.mapValues(JSON.string))
            return SyncAnnotations(object)
        }
        #expect(annotated(["argocd.argoproj.io/sync-wave": "-2"]).problems.isEmpty)
        #expect(annotated(["argocd.argoproj.io/sync-wave": "-2"]).wave == -2)
        #expect(annotated(["argocd.argoproj.io/sync-wave": "two"]).problems.count == 1)
        #expect(annotated(["argocd.argoproj.io/hook": "PreSync,PostSync"]).hookPhases == [.preSync, .postSync])
        #expect(annotated(["argocd.argoproj.io/hook": "Presync"]).problems.first?.contains("Presync") == true)
    }

    @Test func syncOptionsAndDurations() {
        let app = SyncOptions(["Prune=false", "CreateNamespace=true"])
        let resource = SyncOptions(annotation: "Prune=true,Replace=true")
        let merged = resource.overriding(app)
        #expect(merged.prune && merged.replace && merged.createNamespace)
        #expect(DurationParser.parse("1m30s") == .seconds(90))
        #expect(DurationParser.parse("250ms") == .milliseconds(250))
        #expect(DurationParser.parse("bogus") == nil)
        let retry = RetryPolicy(json: ["limit": 3, "backoff": ["duration": "1s", "factor": 2, "maxDuration": "3s"]])
        #expect(
            retry.delay(attempt: 1) == .seconds(1) && retry.delay(attempt: 2) == .seconds(2)
                && retry.delay(attempt: 5) == .seconds(3))
    }
}

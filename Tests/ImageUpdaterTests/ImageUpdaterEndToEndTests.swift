import Foundation
import ImageUpdater
import Kube
import KubeTestSupport
import Logging
import Rollouts
import Sync
import Testing

/// An image pushed to the registry reaches the cluster through Git: the image updater commits the new tag, the
/// sync loop deploys it; one commit per update, naming the old and new tag, and nothing else in the file moves.
@Suite(.enabled(if: RegistryServer.available)) struct ImageUpdaterEndToEndTests {
    static func kustomization(_ host: String) -> String {
        """
        # the API, deployed by Capstan
        resources:
        - deployment.yaml
        images:
        - name: \(host)/demo/api
          newTag: "1.0.0"  # bumped by the image updater
        """
    }

    @Test func aPushedImageIsCommittedAndDeployed() async throws {
        try await ImageUpdaterHarness.with(files: { host in
            [
                "app/kustomization.yaml": Self.kustomization(host),
                "app/deployment.yaml": ImageUpdaterHarness.deployment("api", image: "\(host)/demo/api:0.1"),
            ]
        }) { h in
            try await h.registry.push("demo/api", tag: "1.0.0")
            try await h.createApp(
                "api", path: "app",
                annotations: [
                    "image-list": "api=\(h.registry.host)/demo/api:~1", "write-back-method": "git",
                    "write-back-target": "kustomization", "api.update-strategy": "semver",
                ])
            #expect(
                try await h.cluster.eventually {
                    try await h.deploymentImage("api") == "\(h.registry.host)/demo/api:1.0.0"
                })
            // Nothing newer: no commit.
            #expect(try await h.remoteGit("rev-list", "--count", "main") == "1")
            try await h.registry.push("demo/api", tag: "1.1.0")
            try await h.registry.push("demo/api", tag: "2.0.0")  // outside ~1
            #expect(
                try await h.cluster.eventually(timeout: .seconds(60)) {
                    try await h.deploymentImage("api") == "\(h.registry.host)/demo/api:1.1.0"
                })
            #expect(try await h.remoteGit("rev-list", "--count", "main") == "2")
            #expect(
                try await h.remoteGit("log", "-1", "--format=%an <%ae>%n%B", "main") == """
                    argocd-image-updater <noreply@argoproj.io>
                    build: automatic update of api

                    updates image \(h.registry.host)/demo/api tag '1.0.0' to '1.1.0'
                    """)
            let kustomization = try await h.remoteGit("show", "main:app/kustomization.yaml")
            #expect(
                kustomization == Self.kustomization(h.registry.host).replacingOccurrences(of: "1.0.0", with: "1.1.0"))
            #expect(
                try await h.cluster.eventually {
                    try await h.events(about: "api").contains {
                        $0.reason == "ImagesUpdated" && $0.message.contains("1.0.0 → 1.1.0")
                    }
                })
            // Later checks find it up to date: still one update commit.
            let before = await h.images.reconcileCount
            #expect(try await h.cluster.eventually { await h.images.reconcileCount >= before + 2 })
            #expect(try await h.remoteGit("rev-list", "--count", "main") == "2")
            #expect(await h.images.writeBacks == 1)
        }
    }
}

/// The other write-backs end to end: through the Application itself (`argocd`), and into plain manifests (a
/// Rollout, whose new image starts a canary; a Flux-style setter in a ConfigMap).
@Suite(.enabled(if: RegistryServer.available)) struct ImageWriteBackEndToEndTests {
    @Test func theArgoCDMethodPatchesTheApplication() async throws {
        try await ImageUpdaterHarness.with(files: { host in
            [
                "app/kustomization.yaml": "resources:\n- deployment.yaml\n",
                "app/deployment.yaml": ImageUpdaterHarness.deployment("web", image: "\(host)/demo/web:1.0.0"),
            ]
        }) { h in
            try await h.registry.push("demo/web", tag: "1.0.0")
            try await h.createApp("web", path: "app", annotations: ["image-list": "\(h.registry.host)/demo/web:1.x"])
            #expect(
                try await h.cluster.eventually {
                    try await h.deploymentImage("web") == "\(h.registry.host)/demo/web:1.0.0"
                })
            try await h.registry.push("demo/web", tag: "1.2.0")
            #expect(
                try await h.cluster.eventually(timeout: .seconds(60)) {
                    try await h.deploymentImage("web") == "\(h.registry.host)/demo/web:1.2.0"
                })
            let app = try await h.client.get(Sync.Application.gvr, namespace: h.namespace, name: "web")
            #expect(
                app.json[path: ["spec", "source", "kustomize", "images"]] == [
                    .string("\(h.registry.host)/demo/web:1.2.0")
                ])
            #expect(try await h.remoteGit("rev-list", "--count", "main") == "1")  // nothing written to Git
        }
    }

    static func rollout(_ host: String) -> String {
        """
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata:
          name: shop
        spec:
          replicas: 2
          selector:
            matchLabels: {app: shop}
          template:
            metadata:
              labels: {app: shop}
            spec:
              containers:
              - name: shop
                image: "\(host)/demo/shop:1.0.0"
          strategy:
            canary:
              steps:
              - setWeight: 50
              - pause: {}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: shop-version
        data:
          version: 1.0.0 # {"$imagepolicy": "flux-system:shop:tag"}
        """
    }

    @Test func plainManifestsAreEditedAndARolloutStartsACanary() async throws {
        try await ImageUpdaterHarness.with(files: { host in ["deploy/shop.yaml": Self.rollout(host)] }) { h in
            var logger = Logger(label: "capstan.test.rollouts")
            logger.logLevel = .critical
            let rollouts = RolloutController(client: h.client, namespace: h.namespace, workers: 2, logger: logger)
            try await rollouts.start()
            try await withAwaitedTeardown(rollouts, teardown: { await $0.stop() }) { _ in
                try await h.registry.push("demo/shop", tag: "1.0.0")
                try await h.createApp(
                    "shop", path: "deploy",
                    annotations: ["image-list": "shop=\(h.registry.host)/demo/shop", "write-back-method": "git"])
                #expect(
                    try await h.cluster.eventually(timeout: .seconds(60)) {
                        try await h.rolloutPhase("shop") == "Healthy"
                    })
                try await h.registry.push("demo/shop", tag: "1.1.0")
                #expect(
                    try await h.cluster.eventually(timeout: .seconds(60)) {
                        try await h.rolloutPhase("shop") == "Paused"
                    })
                let rollout = try await h.client.get(
                    Rollouts.RolloutController.gvr, namespace: h.namespace, name: "shop")
                #expect(rollout.json[path: ["status", "currentStepIndex"]] == 1)
                #expect(
                    rollout.json[path: ["spec", "template", "spec", "containers"]]?[0]?["image"]
                        == .string("\(h.registry.host)/demo/shop:1.1.0"))
                #expect(
                    try await h.remoteGit("show", "main:deploy/shop.yaml")
                        == Self.rollout(h.registry.host).replacingOccurrences(of: "1.0.0", with: "1.1.0"))
                let configMap = try await h.client.get(.configMaps, namespace: h.namespace, name: "shop-version")
                #expect(configMap.json[path: ["data", "version"]] == "1.1.0")
            }
        }
    }
}

/// `git-branch: base:target` over smart HTTP with the repository Secret's credentials: the change goes to the
/// updater's own branch, made from the base; the tracked branch is untouched; an unmerged change is not
/// committed again each cycle; a newer image replaces the target branch's commit.
@Suite(.enabled(if: RegistryServer.available)) struct ImageTargetBranchTests {
    @Test func aSeparateTargetBranchOverSmartHTTP() async throws {
        try await ImageUpdaterHarness.with(
            files: { host in
                [
                    "app/kustomization.yaml": ImageUpdaterEndToEndTests.kustomization(host),
                    "app/deployment.yaml": ImageUpdaterHarness.deployment("api", image: "\(host)/demo/api:0.1"),
                ]
            }, httpRemote: true
        ) { h in
            // Argo's ConfigMap keys for the commit: a message template and the author.
            try await h.writeRegistriesConf(settings: [
                "git.commit-message-template": "deploy {{ .AppName }}:{{ range .AppChanges }} {{ .NewTag }}{{ end }}",
                "git.user": "Release Bot", "git.email": "release@example.com",
            ])
            try await h.registry.push("demo/api", tag: "1.0.0")
            try await h.createApp(
                "api", path: "app",
                annotations: [
                    "image-list": "api=\(h.registry.host)/demo/api", "write-back-method": "git:repocreds",
                    "write-back-target": "kustomization", "git-branch": "main:image-updates-{{.AppName}}",
                ])
            #expect(
                try await h.cluster.eventually {
                    try await h.deploymentImage("api") == "\(h.registry.host)/demo/api:1.0.0"
                })
            try await h.registry.push("demo/api", tag: "1.1.0")
            let branch = "image-updates-api"
            #expect(
                try await h.cluster.eventually(timeout: .seconds(60)) {
                    (try? await h.remoteGit("show", "\(branch):app/kustomization.yaml"))?.contains("newTag: \"1.1.0\"")
                        == true
                })
            #expect(try await h.remoteGit("rev-list", "--count", "main") == "1")
            #expect(try await h.remoteGit("rev-list", "--count", "main..\(branch)") == "1")
            #expect(
                try await h.remoteGit("log", "-1", "--format=%an <%ae>|%B", branch)
                    == "Release Bot <release@example.com>|deploy api: 1.1.0")
            let first = try await h.remoteGit("rev-parse", branch)
            // Later cycles find the change already on the target branch: nothing is pushed again.
            let before = await h.images.reconcileCount
            #expect(try await h.cluster.eventually { await h.images.reconcileCount >= before + 3 })
            #expect(try await h.remoteGit("rev-parse", branch) == first)
            #expect(try await h.deploymentImage("api") == "\(h.registry.host)/demo/api:1.0.0")  // main still says 1.0.0
            // A newer image replaces the updater's commit on its branch (still one commit over main).
            try await h.registry.push("demo/api", tag: "1.2.0")
            #expect(
                try await h.cluster.eventually(timeout: .seconds(60)) {
                    (try? await h.remoteGit("show", "\(branch):app/kustomization.yaml"))?.contains("newTag: \"1.2.0\"")
                        == true
                })
            #expect(try await h.remoteGit("rev-list", "--count", "main..\(branch)") == "1")
            #expect(try await h.remoteGit("rev-list", "--count", "main") == "1")
        }
    }
}

/// Helm Applications: the new tag as Helm parameters in `.argocd-source-<app>.yaml` (Argo's default) and in
/// the chart's values file (`helmvalues`), each rendered by the sync loop into the Deployment.
@Suite(.enabled(if: RegistryServer.available)) struct ImageHelmWriteBackTests {
    static func chart(_ host: String, path: String) -> [String: String] {
        [
            "\(path)/Chart.yaml": "apiVersion: v2\nname: api\nversion: 0.1.0\n",
            "\(path)/values.yaml":
                "# the API image\nimage:\n  name: \(host)/demo/api\n  tag: 1.0.0  # set by CI\nreplicas: 1\n",
            "\(path)/templates/deployment.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: {{ .Release.Name }}
            spec:
              replicas: {{ .Values.replicas }}
              selector:
                matchLabels: {app: {{ .Release.Name }}}
              template:
                metadata:
                  labels: {app: {{ .Release.Name }}}
                spec:
                  containers:
                  - name: api
                    image: "{{ .Values.image.name }}:{{ .Values.image.tag }}"
            """,
        ]
    }

    @Test func parametersInTheSourceFileAndTheValuesFile() async throws {
        try await ImageUpdaterHarness.with(files: { host in
            Self.chart(host, path: "by-parameters").merging(Self.chart(host, path: "by-values")) { a, _ in a }
        }) { h in
            try await h.registry.push("demo/api", tag: "1.0.0")
            let image = "\(h.registry.host)/demo/api"
            for (app, target) in [("by-parameters", nil), ("by-values", "helmvalues")] as [(String, String?)] {
                var annotations = [
                    "image-list": "api=\(image)", "write-back-method": "git",
                    "api.helm.image-name": "image.name", "api.helm.image-tag": "image.tag",
                ]
                annotations["write-back-target"] = target
                try await h.createApp(app, path: app, annotations: annotations)
                #expect(try await h.cluster.eventually { try await h.deploymentImage(app) == "\(image):1.0.0" })
            }
            try await h.registry.push("demo/api", tag: "1.1.0")
            for app in ["by-parameters", "by-values"] {
                #expect(
                    try await h.cluster.eventually(timeout: .seconds(60)) {
                        try await h.deploymentImage(app) == "\(image):1.1.0"
                    })
            }
            let parameters = try YAML.parse(
                await h.remoteGit("show", "main:by-parameters/.argocd-source-by-parameters.yaml"))
            #expect(
                parameters[path: ["helm", "parameters"]] == [
                    ["name": "image.name", "value": .string(image), "forcestring": true],
                    ["name": "image.tag", "value": "1.1.0", "forcestring": true],
                ])
            // The values file keeps its comments, order and the unchanged name line as written.
            #expect(
                try await h.remoteGit("show", "main:by-values/values.yaml")
                    == "# the API image\nimage:\n  name: \(image)\n  tag: \"1.1.0\"  # set by CI\nreplicas: 1")
        }
    }
}

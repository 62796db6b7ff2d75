import Foundation
import Kube
import Testing

@testable import Sync

@Suite struct RenderTests {
    func tree(_ files: [String: String], root: String) -> SourceTree {
        SourceTree(files: files.mapValues { Array($0.utf8) }, root: root)
    }

    func render(_ files: [String: String], root: String, source: JSON = ["repoURL": "x"]) throws -> [KubeObject] {
        try Renderer().render(
            ApplicationSource(json: source), tree: tree(files, root: root), appName: "app",
            destinationNamespace: "ns"
        ).objects
    }

    static let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %@\ndata:\n  a: '1'\n"
    func cm(_ name: String) -> String { Self.cm.replacingOccurrences(of: "%@", with: name) }

    @Test func directoryRecurseIncludeExclude() throws {
        let files = [
            "app/a.yaml": cm("a") + "---\n" + cm("b"),
            "app/c.json": #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}"#,
            "app/sub/d.yml": cm("d"), "app/sub/e.yaml": cm("e"), "app/readme.md": "# not yaml", "other/x.yaml": cm("x"),
        ]
        #expect(try render(files, root: "app").map(\.name).sorted() == ["a", "b", "c"])
        let recurse: JSON = ["repoURL": "x", "directory": ["recurse": true]]
        #expect(try render(files, root: "app", source: recurse).map(\.name).sorted() == ["a", "b", "c", "d", "e"])
        let filtered: JSON = [
            "repoURL": "x", "directory": ["recurse": true, "include": "{*.yaml,sub/*}", "exclude": "sub/e.yaml"],
        ]
        #expect(try render(files, root: "app", source: filtered).map(\.name).sorted() == ["a", "b", "d"])
    }

    @Test func badFilesAreRenderErrorsNamingTheFile() {
        #expect(throws: RenderError.self) { try render(["app/bad.yaml": "a: [1, 2"], root: "app") }
        do { _ = try render(["app/bad.yaml": "kind: ConfigMap\nmetadata: {name: x}\n"], root: "app") } catch {
            #expect("\(error)".contains("bad.yaml"))
        }
        #expect(throws: RenderError.self) { try render(["app/a.yaml": cm("a")], root: "missing") }
    }

    @Test func kustomizeOverlayOverBase() throws {
        let deployment = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 1
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers:
                  - name: web
                    image: nginx:1.25
                    envFrom: [{configMapRef: {name: settings}}]
            """
        let files = [
            "base/kustomization.yaml": "resources: [deployment.yaml, settings.yaml]\n",
            "base/deployment.yaml": deployment,
            "base/settings.yaml": cm("settings"),
            "overlays/prod/kustomization.yaml": """
            resources: [../../base]
            namespace: prod
            namePrefix: prod-
            commonLabels: {team: a}
            commonAnnotations: {owner: ops}
            images: [{name: nginx, newTag: "1.27"}]
            replicas: [{name: web, count: 3}]
            patches:
            - target: {kind: Deployment, name: web}
              patch: |-
                - op: add
                  path: /spec/template/spec/containers/0/env
                  value: [{name: MODE, value: prod}]
            - patch: |-
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings}
                data: {b: '2'}
            """,
        ]
        let objects = try render(files, root: "overlays/prod")
        let web = try #require(objects.first { $0.kind == "Deployment" })
        #expect(web.name == "prod-web")
        #expect(web.namespace == "prod")
        #expect(web.json[path: ["spec", "replicas"]] == .int(3))
        #expect(web.json[path: ["spec", "selector", "matchLabels", "team"]] == "a")
        #expect(web.json[path: ["spec", "template", "spec", "containers"]]?[0]?["image"] == "nginx:1.27")
        #expect(web.json[path: ["spec", "template", "spec", "containers"]]?[0]?["env"]?[0]?["value"] == "prod")
        #expect(
            web.json[path: ["spec", "template", "spec", "containers"]]?[0]?["envFrom"]?[0]?[path: [
                "configMapRef", "name",
            ]] == "prod-settings")
        #expect(web.annotations["owner"] == "ops")
        let settings = try #require(objects.first { $0.kind == "ConfigMap" })
        #expect(settings.json[path: ["data", "b"]] == "2" && settings.json[path: ["data", "a"]] == "1")
    }

    /// Generators, components and replacements, rendered by real Kustomize: the generated ConfigMap gets its
    /// content hash and every reference to it follows the new name.
    @Test func kustomizeGeneratorsComponentsAndReplacements() throws {
        let files = [
            "app/kustomization.yaml": """
            resources: [deployment.yaml]
            namePrefix: team-
            configMapGenerator:
            - {name: settings, literals: [mode=blue]}
            secretGenerator:
            - {name: token, literals: [value=s3cret]}
            components: [../components/monitoring]
            replacements:
            - source: {kind: ConfigMap, name: settings, fieldPath: data.mode}
              targets:
              - select: {kind: Deployment, name: web}
                fieldPaths: [spec.template.metadata.annotations.mode]
            """,
            "app/deployment.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}, annotations: {mode: unset}}
                spec:
                  containers:
                  - name: web
                    image: nginx:1.25
                    envFrom: [{configMapRef: {name: settings}}, {secretRef: {name: token}}]
            """,
            "components/monitoring/kustomization.yaml": """
            apiVersion: kustomize.config.k8s.io/v1alpha1
            kind: Component
            commonLabels: {monitored: "true"}
            """,
        ]
        let objects = try render(files, root: "app")
        let settings = try #require(objects.first { $0.kind == "ConfigMap" })
        #expect(settings.name.hasPrefix("team-settings-") && settings.name.count == "team-settings-".count + 10)
        let token = try #require(objects.first { $0.kind == "Secret" })
        let web = try #require(objects.first { $0.kind == "Deployment" })
        let envFrom = web.json[path: ["spec", "template", "spec", "containers"]]?[0]?["envFrom"]
        #expect(envFrom?[0]?[path: ["configMapRef", "name"]]?.stringValue == settings.name)
        #expect(envFrom?[1]?[path: ["secretRef", "name"]]?.stringValue == token.name)
        #expect(web.json[path: ["spec", "template", "metadata", "annotations", "mode"]] == "blue")
        #expect(web.labels["monitored"] == "true" && settings.labels["monitored"] == "true")
    }

    @Test func aFailingKustomizeBuildIsARenderErrorQuotingKustomize() {
        let files = ["app/kustomization.yaml": "resources: [missing.yaml]\n"]
        do {
            _ = try render(files, root: "app")
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("kustomize build failed") && "\(error)".contains("missing.yaml"))
            #expect(!"\(error)".contains("capstan-kustomize-"))
        }
    }

    @Test func applicationKustomizeOverridesAndArgocdSourceFiles() throws {
        let files = [
            "app/kustomization.yaml": "resources: [pod.yaml]\nimages: [{name: nginx, newTag: '1.0'}]\n",
            "app/pod.yaml":
                "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: nginx}, {name: s, image: busybox:1}]}\n",
            "app/.argocd-source-app.yaml": "kustomize:\n  images: [busybox:1.36]\n",
        ]
        let source: JSON = [
            "repoURL": "x", "kustomize": ["namePrefix": "x-", "images": ["nginx=registry.local/nginx:2.0"]],
        ]
        let pod = try #require(try render(files, root: "app", source: source).first)
        #expect(pod.name == "x-p")
        #expect(pod.json[path: ["spec", "containers"]]?[0]?["image"] == "registry.local/nginx:2.0")
        #expect(pod.json[path: ["spec", "containers"]]?[1]?["image"] == "busybox:1.36")
    }

    @Test func aMissingHelmLibraryIsNamedWithTheWayToInstallIt() {
        guard case .failure(let error) = HelmLibrary.load(path: "/nonexistent/libhelm_c.so") else {
            Issue.record("loading a missing library succeeded")
            return
        }
        #expect(error.message.contains("/nonexistent/libhelm_c.so") && error.message.contains("install-deps.sh"))
    }

    @Test func globs() {
        #expect(Glob("*.yaml").matches("a.yaml"))
        #expect(!Glob("*.yaml").matches("sub/a.yaml"))
        #expect(Glob("**/*.yaml").matches("sub/deep/a.yaml"))
        #expect(Glob("**/*.yaml").matches("a.yaml"))
        #expect(Glob("{a,b}/*.json").matches("b/x.json"))
        #expect(!Glob("{a,b}/*.json").matches("c/x.json"))
        #expect(Glob("file-[0-9].yaml").matches("file-3.yaml"))
    }

    @Test func imageReferences() {
        let r = ImageReference("localhost:5000/team/app:1.2@sha256:abc")
        #expect(r.name == "localhost:5000/team/app" && r.tag == "1.2" && r.digest == "sha256:abc")
        #expect(ImageReference("localhost:5000/app").tag == nil)
        #expect(ImageOverride(argoString: "nginx=ghcr.io/x/nginx:2").newName == "ghcr.io/x/nginx")
    }
}

import Foundation
import ImageUpdater
import Kube
import Testing

@testable import Operator

/// The pieces of a write-back that need no registry: plain manifests and Flux setters, commit messages and
/// branch templates, registry notification payloads.
@Suite struct ManifestWriteBackTests {
    static let manifest = """
        apiVersion: apps/v1
        kind: Deployment
        spec:
          template:
            spec:
              containers:
              - name: api
                image: "ghcr.io/org/api:1.0.0"   # the API
              - image: ghcr.io/org/other:1.0.0
              initContainers:
              - {name: migrate, image: ghcr.io/org/api:1.0.0}
        ---
        kind: ConfigMap
        data:
          tag: 1.0.0 # {"$imagepolicy": "flux-system:api:tag"}
          name: x # {"$imagepolicy": "flux-system:api:name"}
          full: x # {"$imagepolicy": "flux-system:api"}
          unrelated: 1.0.0 # {"$imagepolicy": "flux-system:web:tag"}
        """

    @Test func imageLinesAndSettersAreEditedAndNothingElse() throws {
        let update = ImageUpdate(image: "ghcr.io/org/api", oldTag: "1.0.0", newTag: "1.1.0", alias: "api")
        let edited = try #require(try ManifestWriteBack.edit(Self.manifest, updates: [update]))
        let expected = Self.manifest
            .replacingOccurrences(of: "image: \"ghcr.io/org/api:1.0.0\"", with: "image: \"ghcr.io/org/api:1.1.0\"")
            .replacingOccurrences(of: "tag: 1.0.0 #", with: "tag: 1.1.0 #")
            .replacingOccurrences(of: "name: x #", with: "name: ghcr.io/org/api #")
            .replacingOccurrences(of: "full: x #", with: "full: ghcr.io/org/api:1.1.0 #")
        // The flow-style entry is not a line this edit understands; it is left as it was.
        #expect(edited == expected)
        #expect(try ManifestWriteBack.edit(edited, updates: [update]) == nil)
    }

    @Test func aDigestReplacesTheTag() throws {
        let update = ImageUpdate(image: "nginx", newTag: "stable", digest: "sha256:abc")
        let edited = try ManifestWriteBack.edit("- image: nginx:stable\n", updates: [update])
        #expect(edited == "- image: nginx@sha256:abc\n")
    }

    @Test func commitMessagesAndBranchesAsArgoWritesThem() throws {
        let updates = [
            ImageUpdate(image: "ghcr.io/org/api", oldTag: "1.0.0", newTag: "1.1.0", alias: "api"),
            ImageUpdate(image: "nginx", oldTag: nil, newTag: "stable", digest: "sha256:abc"),
        ]
        #expect(
            try CommitMessage.text(app: "shop", updates: updates) == """
                build: automatic update of shop

                updates image ghcr.io/org/api tag '1.0.0' to '1.1.0'
                updates image nginx tag '' to 'sha256:abc'

                """)
        // A template as Argo's documentation writes one for git.commit-message-template.
        let custom = """
            chore({{ .AppName }}): bump images
            {{ range .AppChanges }}
            - {{ .Image }}: {{ .OldTag }} -> {{ .NewTag }}{{ end }}
            """
        #expect(
            try CommitMessage.text(app: "shop", updates: updates, template: custom) == """
                chore(shop): bump images

                - ghcr.io/org/api: 1.0.0 -> 1.1.0
                - nginx:  -> sha256:abc
                """)
        let hashed = "image-updater-{{.AppName}}-{{.SHA256}}"
        let branch = try CommitMessage.branch(hashed, app: "shop", namespace: "argocd", updates: updates)
        #expect(branch.hasPrefix("image-updater-shop-") && branch.count == "image-updater-shop-".count + 64)
        #expect(branch == (try CommitMessage.branch(hashed, app: "shop", namespace: "argocd", updates: updates)))
        // The form Argo's documentation shows for base:target.
        let ranged = "image-updater{{range .Images}}-{{.Name}}-{{.NewTag}}{{end}}"
        #expect(
            try CommitMessage.branch(ranged, app: "shop", namespace: "argocd", updates: [updates[0]])
                == "image-updater-ghcr.io/org/api-1.1.0")
        #expect(
            try CommitMessage.branch(String(repeating: "x", count: 300), app: "a", namespace: "b", updates: []).count
                == 255)
    }

    @Test func templatesOutsideTheSubsetAreRefused() {
        for bad in ["{{ .AppName | upper }}", "{{ range .AppChanges }}x", "x{{ end }}", "{{ .AppName", "{{ $x }}"] {
            #expect(throws: WriteBackError.self, "\(bad)") { try GoTemplate(bad) }
        }
        #expect(throws: WriteBackError.self) { try CommitMessage.text(app: "a", updates: [], template: "{{ .Nope }}") }
    }

    @Test func registryNotificationsNameThePushedImages() throws {
        let distribution = try JSON.parse(
            Array(
                """
                {"events": [
                  {"action": "push", "target": {"repository": "demo/api", "tag": "1.1.0"},
                   "request": {"host": "127.0.0.1:5000"}},
                  {"action": "push", "target": {"repository": "demo/api", "digest": "sha256:1"}},
                  {"action": "pull", "target": {"repository": "demo/web", "tag": "1"}}
                ]}
                """.utf8))
        #expect(
            RegistryPushEvent.images(in: distribution) == [.init(registry: "127.0.0.1:5000", repository: "demo/api")])
        let hub = try JSON.parse(Array(#"{"push_data": {"tag": "1"}, "repository": {"repo_name": "nginx"}}"#.utf8))
        #expect(
            RegistryPushEvent.images(in: hub) == [.init(registry: "registry-1.docker.io", repository: "library/nginx")])
        let ghcr = try JSON.parse(
            Array(
                #"{"action": "published", "package": {"name": "API", "package_type": "CONTAINER", "owner": {"login": "Org"}}}"#
                    .utf8))
        #expect(RegistryPushEvent.images(in: ghcr) == [.init(registry: "ghcr.io", repository: "org/api")])
    }
}

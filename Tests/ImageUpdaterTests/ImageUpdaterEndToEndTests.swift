import Foundation
import ImageUpdater
import Kube
import KubeTestSupport
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
            #expect(try h.remoteGit("rev-list", "--count", "main") == "1")
            try await h.registry.push("demo/api", tag: "1.1.0")
            try await h.registry.push("demo/api", tag: "2.0.0")  // outside ~1
            #expect(
                try await h.cluster.eventually(timeout: .seconds(60)) {
                    try await h.deploymentImage("api") == "\(h.registry.host)/demo/api:1.1.0"
                })
            #expect(try h.remoteGit("rev-list", "--count", "main") == "2")
            #expect(
                try h.remoteGit("log", "-1", "--format=%an <%ae>%n%B", "main") == """
                    argocd-image-updater <noreply@argoproj.io>
                    build: automatic update of api

                    updates image \(h.registry.host)/demo/api tag '1.0.0' to '1.1.0'
                    """)
            let kustomization = try h.remoteGit("show", "main:app/kustomization.yaml")
            #expect(
                kustomization == Self.kustomization(h.registry.host).replacingOccurrences(of: "1.0.0", with: "1.1.0"))
            let events = try await h.events(about: "api")
            #expect(events.contains { $0.reason == "ImagesUpdated" && $0.message.contains("1.0.0 → 1.1.0") })
            // Later checks find it up to date: still one update commit.
            let before = await h.images.reconcileCount
            #expect(try await h.cluster.eventually { await h.images.reconcileCount >= before + 2 })
            #expect(try h.remoteGit("rev-list", "--count", "main") == "2")
            #expect(await h.images.writeBacks == 1)
        }
    }
}

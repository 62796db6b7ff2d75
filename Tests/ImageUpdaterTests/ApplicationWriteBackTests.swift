import Foundation
import Kube
import Registry
import Testing

@testable import ImageUpdater

/// The `argocd` write-back (a patch of the Application) and credentials from a dockerconfigjson pull secret.
@Suite struct ApplicationWriteBackTests {
    @Test func theApplicationIsPatchedKeepingOtherImages() throws {
        let app = KubeObject([
            "apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "metadata": ["name": "shop"],
            "spec": ["source": ["kustomize": ["images": ["nginx:1.25", "ghcr.io/org/api:1.0.0"]]]],
        ])
        let update = ImageUpdate(image: "ghcr.io/org/api", oldTag: "1.0.0", newTag: "1.1.0")
        let patch = try #require(ApplicationWriteBack.patch(app, updates: [update], parameters: []))
        #expect(patch == ["spec": ["source": ["kustomize": ["images": ["nginx:1.25", "ghcr.io/org/api:1.1.0"]]]]])
        var patched = app
        patched.json = MergePatch.apply(patch, to: app.json)
        #expect(ApplicationWriteBack.patch(patched, updates: [update], parameters: []) == nil)

        let helm = try #require(
            ApplicationWriteBack.patch(app, updates: [], parameters: [("image.tag", "1.1.0")]))
        #expect(
            helm["spec"]?["source"]?["helm"]?["parameters"]
                == [["name": "image.tag", "value": "1.1.0", "forceString": true]])
    }

    @Test func pullSecretsGiveTheRegistrysCredentials() throws {
        let config = #"""
            {"auths": {
              "https://index.docker.io/v1/": {"auth": "\#(Data("hub-user:hub-pass".utf8).base64EncodedString())"},
              "ghcr.io": {"username": "bot", "password": "ghp_x"},
              "registry.internal:5000": {"email": "x@example.com"}
            }}
            """#
        let bytes = Array(config.utf8)
        #expect(
            try DockerConfig.credentials(bytes, registry: RegistryImage.dockerHub)
                == RegistryCredentials(username: "hub-user", password: "hub-pass"))
        #expect(
            try DockerConfig.credentials(bytes, registry: "ghcr.io")
                == RegistryCredentials(username: "bot", password: "ghp_x"))
        #expect(try DockerConfig.credentials(bytes, registry: "quay.io") == nil)
        #expect(throws: ImageSettingProblem.self) {
            try DockerConfig.credentials(bytes, registry: "registry.internal:5000")
        }
        #expect(throws: ImageSettingProblem.self) { try DockerConfig.credentials(Array("{".utf8), registry: "ghcr.io") }
    }
}

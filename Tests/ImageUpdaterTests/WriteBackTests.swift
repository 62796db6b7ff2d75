import Foundation
import Kube
import Testing

@testable import ImageUpdater

/// Writing new tags into the files Argo CD reads: `.argocd-source-<app>.yaml` and a kustomization's `images:`
/// (edited in place, the rest of the file kept byte for byte).
@Suite struct WriteBackTests {
    @Test func theSourceFileKeepsOtherImagesAndSaysNothingTwice() throws {
        let api = ImageUpdate(image: "ghcr.io/org/api", newTag: "1.3.0")
        let first = try #require(try SourceFileWriteBack.kustomize(existing: nil, updates: [api]))
        #expect(try YAML.parse(first)[path: ["kustomize", "images"]] == ["ghcr.io/org/api:1.3.0"])
        let existing = "kustomize:\n  images:\n  - nginx:1.25\n  - ghcr.io/org/api:1.2.0\n"
        let merged = try #require(try SourceFileWriteBack.kustomize(existing: existing, updates: [api]))
        #expect(try YAML.parse(merged)[path: ["kustomize", "images"]] == ["nginx:1.25", "ghcr.io/org/api:1.3.0"])
        #expect(try SourceFileWriteBack.kustomize(existing: merged, updates: [api]) == nil)
        let renamed = ImageUpdate(
            image: "registry:5000/team/web", kustomizeName: "team/web", newTag: "2.0", digest: nil)
        let named = try #require(try SourceFileWriteBack.kustomize(existing: nil, updates: [renamed]))
        #expect(try YAML.parse(named)[path: ["kustomize", "images"]] == ["team/web=registry:5000/team/web:2.0"])

        let helm = try #require(
            try SourceFileWriteBack.helm(
                existing: nil, parameters: [("image.tag", "1.10"), ("image.repository", "org/api")]))
        let parameters = try YAML.parse(helm)[path: ["helm", "parameters"]]
        #expect(parameters?[0] == ["name": "image.tag", "value": "1.10", "forcestring": true])
        #expect(try SourceFileWriteBack.helm(existing: helm, parameters: [("image.tag", "1.10")]) == nil)
    }

    static let kustomization = """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        # the app and its database
        resources:
        - deployment.yaml
        images:
        - name: ghcr.io/org/api
          newTag: 1.2.0 # bumped by CI
        - name: postgres
          newTag: "15"
        namePrefix: prod-

        """

    @Test func aKustomizationIsEditedInPlace() throws {
        let edited = try #require(
            try KustomizationWriteBack.edit(
                Self.kustomization, updates: [ImageUpdate(image: "ghcr.io/org/api", newTag: "1.10")]))
        #expect(
            edited
                == Self.kustomization.replacingOccurrences(
                    of: "newTag: 1.2.0 # bumped by CI", with: "newTag: \"1.10\" # bumped by CI")
        )
        #expect(
            try KustomizationWriteBack.edit(edited, updates: [ImageUpdate(image: "ghcr.io/org/api", newTag: "1.10")])
                == nil)

        // A new image joins the list; a digest is set beside the tag.
        let added = try #require(
            try KustomizationWriteBack.edit(
                Self.kustomization,
                updates: [
                    ImageUpdate(image: "registry:5000/team/web", kustomizeName: "web", newTag: "3.1"),
                    ImageUpdate(image: "postgres", newTag: "15", digest: "sha256:abc"),
                ]))
        let images = try YAML.parse(added)["images"]?.arrayValue ?? []
        #expect(images.count == 3)
        #expect(images[1] == ["name": "postgres", "newTag": "15", "digest": "sha256:abc"])
        #expect(images[2] == ["name": "web", "newName": "registry:5000/team/web", "newTag": "3.1"])
        #expect(added.contains("# the app and its database") && added.contains("namePrefix: prod-"))

        // No images list yet: one is appended.
        let bare = "resources:\n- deployment.yaml\n"
        let created = try #require(
            try KustomizationWriteBack.edit(bare, updates: [ImageUpdate(image: "nginx", newTag: "1.27")]))
        #expect(created == "resources:\n- deployment.yaml\nimages:\n- name: nginx\n  newTag: \"1.27\"\n")
    }

    @Test func aLayoutTheEditCannotHandleIsRefusedNotMangled() {
        // A flow-style list: the text edit cannot place the tag, and says so instead of writing something wrong.
        let flow = "images: [{name: nginx, newTag: '1.0'}]\n"
        #expect(throws: WriteBackError.self) {
            try KustomizationWriteBack.edit(flow, updates: [ImageUpdate(image: "nginx", newTag: "1.1")])
        }
    }
}

extension WriteBackTests {
    static let values = """
        # Default values
        replicaCount: 2
        image:
          repository: ghcr.io/org/api
          tag: 1.0.0 # set by CI
          pullPolicy: IfNotPresent
        service:
          port: 80

        """

    @Test func helmValuesAreEditedInPlace() throws {
        let tagged = try #require(try HelmValuesWriteBack.edit(Self.values, values: [("image.tag", "1.1.0")]))
        #expect(
            tagged == Self.values.replacingOccurrences(of: "tag: 1.0.0 # set by CI", with: "tag: \"1.1.0\" # set by CI")
        )
        #expect(try HelmValuesWriteBack.edit(tagged, values: [("image.tag", "1.1.0")]) == nil)

        let added = try #require(
            try HelmValuesWriteBack.edit(
                Self.values, values: [("image.digest", "sha256:abc"), ("sidecar.image.tag", "2")]))
        let parsed = try YAML.parse(added)
        #expect(parsed[path: ["image", "digest"]] == "sha256:abc" && parsed[path: ["sidecar", "image", "tag"]] == "2")
        #expect(parsed[path: ["service", "port"]] == 80 && added.hasPrefix("# Default values\nreplicaCount: 2\n"))
        #expect(added.contains("  pullPolicy: IfNotPresent\n  digest: \"sha256:abc\"\n"))

        #expect(throws: WriteBackError.self) {
            try HelmValuesWriteBack.edit("image: {tag: 1.0}\n", values: [("image.tag", "1.1")])
        }
    }
}

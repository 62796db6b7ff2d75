import Foundation
import KubeTestSupport
import Registry
import Testing

@testable import ImageUpdater

/// `registries.conf` in Argo CD Image Updater's format: which registry serves an image, at which API URL, with
/// which credentials; a default registry and namespace for images named without them.
@Suite struct RegistriesConfTests {
    static let file = """
        registries:
        - name: Docker Hub
          prefix: docker.io
          api_url: https://registry-1.docker.io
          ping: yes
          credentials: secret:argocd/dockerhub#creds
          defaultns: library
          default: true
        - name: Internal
          prefix: registry.internal:5000
          api_url: http://registry.internal:5000
          insecure: yes
          limit: 5
          tagsortmode: latest-first
        - name: GitHub
          prefix: ghcr.io
          credentials: env:GHCR_CREDS
        """

    @Test func argosFormatIsRead() throws {
        let conf = try RegistriesConf(Self.file)
        #expect(conf.registries.map(\.name) == ["Docker Hub", "Internal", "GitHub"])
        #expect(conf.registries[0].credentials == .secret(namespace: "argocd", name: "dockerhub", field: "creds"))
        #expect(conf.registries[1].insecure && conf.registries[1].limit == 5 && conf.registries[2].limit == 20)
        #expect(
            conf.registries[2].apiURL == "https://ghcr.io"
                && conf.registries[2].credentials == .environment("GHCR_CREDS"))

        let nginx = try #require(conf.resolve("nginx"))
        #expect(nginx.image.registry == "registry-1.docker.io" && nginx.image.repository == "library/nginx")
        #expect(nginx.endpoint.apiURL == "https://registry-1.docker.io")
        let inHouse = try #require(conf.resolve("registry.internal:5000/team/api"))
        #expect(inHouse.endpoint == RegistryEndpoint(apiURL: "http://registry.internal:5000", insecure: true))
        let unknown = try #require(conf.resolve("quay.io/org/tool"))
        #expect(unknown.endpoint == .standard(for: "quay.io"))
    }

    @Test func unusableEntriesAreNamed() {
        for (text, setting) in [
            ("registries:\n- name: x\n", "registries.conf registries[0]"),
            ("registries:\n- prefix: a.io\n  api_url: ftp://a.io\n", "registries.conf registries[0].api_url"),
            ("registries:\n- prefix: a.io\n  limit: 0\n", "registries.conf registries[0].limit"),
            ("registries:\n- prefix: a.io\n  credentials: vault:x\n", "registries.conf registries[0].credentials"),
            ("registries:\n- {prefix: a.io, default: true}\n- {prefix: b.io, default: true}\n", "registries.conf"),
            ("registries: [", "registries.conf"),
        ] {
            #expect(throws: ImageSettingProblem.self, "\(text)") { try RegistriesConf(text) }
            do { _ = try RegistriesConf(text) } catch { #expect(error.setting == setting, "\(text): \(error)") }
        }
    }

    @Test(.enabled(if: RegistryServer.available)) func aPlainHTTPRegistryServesThroughItsAPIURL() async throws {
        try await RegistryServer.withClient { server, client in
            try await server.push("team/api", tag: "1.4.2")
            // The registry is named by a host the machine cannot resolve; api_url says where it really is.
            let conf = try RegistriesConf(
                "registries:\n- prefix: registry.internal:5000\n  api_url: \(server.url)\n  insecure: yes\n")
            let resolved = try #require(conf.resolve("registry.internal:5000/team/api"))
            let spec = try #require(
                ImageUpdateAnnotations.images([
                    ImageUpdateAnnotations.prefix + "image-list": "registry.internal:5000/team/api:1.x"
                ])
                .images.first)
            #expect(spec.image == resolved.image)
            let choice = try await TagChooser(client: client).choose(spec, at: resolved.endpoint)
            #expect(choice == ImageChoice(tag: "1.4.2"))
        }
    }
}

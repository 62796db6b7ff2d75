import Testing

@testable import Registry

/// Image references normalized as Docker reads them, `WWW-Authenticate` challenges, `Link` pages and manifests.
@Suite struct RegistryModelTests {
    @Test(arguments: [
        ("nginx", "registry-1.docker.io", "library/nginx", nil, "nginx"),
        ("nginx:1.25", "registry-1.docker.io", "library/nginx", "1.25", "nginx"),
        ("docker.io/bitnami/redis:7", "registry-1.docker.io", "bitnami/redis", "7", "bitnami/redis"),
        ("ghcr.io/my-org/my-api", "ghcr.io", "my-org/my-api", nil, "ghcr.io/my-org/my-api"),
        ("localhost:5000/app:v2", "localhost:5000", "app", "v2", "localhost:5000/app"),
        ("127.0.0.1:5000/team/app", "127.0.0.1:5000", "team/app", nil, "127.0.0.1:5000/team/app"),
        ("localhost/app", "localhost", "app", nil, "localhost/app"),
    ])
    func referencesAreNormalized(
        text: String, registry: String, repository: String, tag: String?, name: String
    ) throws {
        let image = try #require(RegistryImage(text))
        #expect(image.registry == registry && image.repository == repository && image.tag == tag)
        #expect(image.name == name)
    }

    @Test func badReferencesAreRefused() {
        for text in ["", "a b", "Upper/Case", "app:", "//app", "app@nodigest"] {
            #expect(RegistryImage(text) == nil, "\(text)")
        }
        let pinned = RegistryImage("ghcr.io/org/app:1.0@sha256:abc")
        #expect(pinned?.tag == "1.0" && pinned?.digest == "sha256:abc")
        #expect(pinned?.description == "ghcr.io/org/app:1.0@sha256:abc")
    }

    @Test func challengesAreRead() throws {
        let bearer = try #require(
            AuthChallenge(
                #"Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:org/app:pull""#))
        #expect(bearer.scheme == "bearer" && bearer.realm == "https://ghcr.io/token")
        #expect(bearer.parameters["service"] == "ghcr.io" && bearer.parameters["scope"] == "repository:org/app:pull")
        let basic = try #require(AuthChallenge(#"Basic realm="Registry Realm""#))
        #expect(basic.scheme == "basic" && basic.realm == "Registry Realm")
        #expect(AuthChallenge("") == nil)
    }

    @Test func linkHeadersGiveTheNextPage() {
        #expect(
            RegistryClient.nextPage(#"</v2/app/tags/list?last=b&n=2>; rel="next""#) == "/v2/app/tags/list?last=b&n=2")
        #expect(
            RegistryClient.nextPage(#"<https://r.example/v2/app/tags/list?n=2&last=b>; rel="next""#)
                == "/v2/app/tags/list?n=2&last=b")
        #expect(RegistryClient.nextPage(#"</v2/app/tags/list?n=2>; rel="prev""#) == nil)
        #expect(RegistryClient.nextPage(nil) == nil)
    }

    @Test func platformsMatchWithOrWithoutAVariant() {
        #expect(platformMatches("linux/arm64/v8", wanted: "linux/arm64"))
        #expect(platformMatches("linux/arm64/v8", wanted: "linux/arm64/v8"))
        #expect(!platformMatches("linux/arm/v7", wanted: "linux/arm64"))
        #expect(!platformMatches("linux/arm64", wanted: "linux/arm64/v8"))
    }

    @Test func aManifestWithoutConfigOrManifestsIsMalformed() {
        #expect(throws: RegistryError.self) {
            try Manifest.parse(Array(#"{"schemaVersion":2}"#.utf8), mediaType: nil, digest: "sha256:x")
        }
        #expect(throws: RegistryError.self) { try Manifest.parse(Array("<html>".utf8), mediaType: nil, digest: "") }
    }
}

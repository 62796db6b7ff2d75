import Foundation
import Kube
import KubeTestSupport
import Registry
import Testing

/// The registry client against Debian's `docker-registry`, with images pushed through its HTTP API: tags
/// with pagination, manifests and their digests, creation times from config blobs, multi-platform indexes,
/// and the errors a user must see (unknown repository, registry down).
@Suite(.enabled(if: RegistryServer.available)) struct RegistryClientTests {
    func withRegistry(_ body: (RegistryServer, RegistryClient) async throws -> Void) async throws {
        try await RegistryServer.withClient(body)
    }

    @Test func tagsManifestsAndCreationTimes() async throws {
        try await withRegistry { server, client in
            let endpoint = RegistryEndpoint(apiURL: server.url)
            let built = Date(timeIntervalSince1970: 1_760_000_000)
            var digests: [String: String] = [:]
            for (offset, tag) in ["1.0.0", "1.1.0", "2.0.0-rc.1", "latest", "v1.2.0"].enumerated() {
                digests[tag] = try await server.push(
                    "team/api", tag: tag, created: built.addingTimeInterval(Double(offset) * 3600))
            }
            let image = try #require(RegistryImage("\(server.host)/team/api"))
            let tags = try await client.tags(image, at: endpoint)
            #expect(Set(tags) == ["1.0.0", "1.1.0", "2.0.0-rc.1", "latest", "v1.2.0"])
            // Pages of two, followed through the registry's Link headers.
            let paged = try await client.tags(image, at: endpoint, pageSize: 2)
            #expect(paged.sorted() == tags.sorted())

            let manifest = try await client.manifest(image, reference: "1.1.0", at: endpoint)
            #expect(manifest.digest == digests["1.1.0"])
            guard case .image(let config) = manifest.content else {
                Issue.record("1.1.0 is one image, not \(manifest.content)")
                return
            }
            let created = try await client.created(image, configDigest: config, at: endpoint)
            #expect(created == built.addingTimeInterval(3600))
        }
    }

    @Test func aMultiPlatformIndexListsItsPlatforms() async throws {
        try await withRegistry { server, client in
            let digest = try await server.push("web", tag: "3.0", platforms: ["linux/amd64", "linux/arm64/v8"])
            let image = try #require(RegistryImage("\(server.host)/web"))
            let manifest = try await client.manifest(image, reference: "3.0", at: RegistryEndpoint(apiURL: server.url))
            #expect(manifest.digest == digest)
            guard case .index(let entries) = manifest.content else {
                Issue.record("3.0 is an index, not \(manifest.content)")
                return
            }
            #expect(entries.map(\.platform) == ["linux/amd64", "linux/arm64/v8"])
            let arm = try #require(entries.first { platformMatches($0.platform, wanted: "linux/arm64") })
            let armManifest = try await client.manifest(
                image, reference: arm.digest, at: RegistryEndpoint(apiURL: server.url))
            #expect(armManifest.digest == arm.digest)
        }
    }

    @Test func unknownRepositoriesAndDownRegistriesAreClearErrors() async throws {
        try await withRegistry { server, client in
            let missing = try #require(RegistryImage("\(server.host)/nobody/here"))
            let notFound = await #expect(throws: RegistryError.self) {
                try await client.tags(missing, at: RegistryEndpoint(apiURL: server.url))
            }
            #expect(notFound?.kind == .notFound, "\(String(describing: notFound))")
            let port = try LoopbackPort.free()
            let down = try #require(RegistryImage("127.0.0.1:\(port)/app"))
            let unreachable = await #expect(throws: RegistryError.self) {
                try await client.tags(down, at: RegistryEndpoint(apiURL: "http://127.0.0.1:\(port)"))
            }
            #expect(unreachable?.kind == .transport, "\(String(describing: unreachable))")
            #expect(unreachable?.message.contains("127.0.0.1:\(port)") == true)
        }
    }

    /// The real registry behind htpasswd: anonymous and wrong credentials are refused with a message saying
    /// which; the right ones are sent as Basic auth after the challenge.
    @Test func basicAuthAsTheRegistryAsksForIt() async throws {
        let server = try RegistryServer(basicAuth: ("ci", "s3cret:with:colons"))
        defer { server.stop() }
        try await server.push("private/app", tag: "1.0")
        let client = RegistryClient(timeout: .seconds(5))
        try await withAwaitedTeardown(client, teardown: { try? await $0.shutdown() }) { client in
            let image = try #require(RegistryImage("\(server.host)/private/app"))
            let anonymous = await #expect(throws: RegistryError.self) {
                try await client.tags(image, at: RegistryEndpoint(apiURL: server.url))
            }
            #expect(anonymous?.kind == .unauthorized)
            #expect(anonymous?.message.contains("none are configured") == true, "\(String(describing: anonymous))")
            let wrong = RegistryCredentials(username: "ci", password: "nope")
            let refused = await #expect(throws: RegistryError.self) {
                try await client.tags(image, at: RegistryEndpoint(apiURL: server.url, credentials: wrong))
            }
            #expect(refused?.message.contains("with the credentials given") == true)
            let right = RegistryCredentials(username: "ci", password: "s3cret:with:colons")
            #expect(
                try await client.tags(image, at: RegistryEndpoint(apiURL: server.url, credentials: right)) == ["1.0"])
        }
    }

    /// The bearer flow against the real registry trusting a token service: the client follows the challenge to
    /// the realm with its credentials, gets a token for the repository's pull scope, keeps it for later
    /// requests, and asks again for another repository. Wrong credentials are refused by the token service.
    @Test func bearerTokensFromTheRealmTheRegistryNames() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "capstan-token-\(UUID().uuidString.prefix(8))"
        ).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }  // a leftover temporary folder is harmless
        let tokens = try await RegistryTokenService(directory: directory, username: "robot", password: "t0ken")
        try await withAwaitedTeardown(tokens, teardown: { await $0.stop() }) { tokens in
            let push = try tokens.token(repository: "private/app", actions: ["pull", "push"])
            let pushOther = try tokens.token(repository: "private/other", actions: ["pull", "push"])
            let server = try RegistryServer(token: (tokens, push))
            defer { server.stop() }
            try await server.push("private/app", tag: "1.0")
            try await ImagePusher(url: server.url, authorization: "Bearer \(pushOther)").push(
                "private/other", tag: "2.0")
            // A bound for a failure only: under a loaded CI machine the token service once took over 5 s.
            let client = RegistryClient(timeout: .seconds(30))
            try await withAwaitedTeardown(client, teardown: { try? await $0.shutdown() }) { client in
                let right = RegistryEndpoint(
                    apiURL: server.url, credentials: RegistryCredentials(username: "robot", password: "t0ken"))
                let app = try #require(RegistryImage("\(server.host)/private/app"))
                let before = tokens.requestCount
                #expect(try await client.tags(app, at: right) == ["1.0"])
                #expect(try await client.manifest(app, reference: "1.0", at: right).digest.hasPrefix("sha256:"))
                #expect(tokens.requestCount == before + 1)  // one token for the scope, reused
                let other = try #require(RegistryImage("\(server.host)/private/other"))
                #expect(try await client.tags(other, at: right) == ["2.0"])
                #expect(tokens.requestCount == before + 2)
                let wrong = RegistryEndpoint(
                    apiURL: server.url, credentials: RegistryCredentials(username: "robot", password: "nope"))
                // A fresh client: this one holds a token for the scope already. Its bound is as long as the
                // first one's: under a loaded CI machine 5 s ran out before the token service answered.
                try await withAwaitedTeardown(
                    RegistryClient(timeout: .seconds(30)), teardown: { try? await $0.shutdown() }
                ) { fresh in
                    let refused = await #expect(throws: RegistryError.self) { try await fresh.tags(app, at: wrong) }
                    #expect(refused?.kind == .unauthorized)
                    #expect(refused?.message.contains("the token service \(tokens.realm) answered 401") == true)
                }
            }
        }
    }
}

import Foundation
import KubeTestSupport
import Registry
import Testing

@testable import ImageUpdater

/// Choosing the new tag from a real registry (Debian's `docker-registry`, images pushed through its API) with
/// each strategy, as the annotations of an Application ask for it.
@Suite(.enabled(if: RegistryServer.available)) struct TagChooserTests {
    static let p = ImageUpdateAnnotations.prefix

    func spec(_ annotations: [String: String]) throws -> ImageUpdateSpec {
        let parsed = ImageUpdateAnnotations.images(annotations)
        #expect(parsed.problems.isEmpty, "\(parsed.problems)")
        return try #require(parsed.images.first)
    }

    func withRegistry(_ body: (RegistryServer, TagChooser, RegistryEndpoint) async throws -> Void) async throws {
        try await RegistryServer.withClient { server, client in
            try await body(server, TagChooser(client: client), RegistryEndpoint(apiURL: server.url))
        }
    }

    @Test func eachStrategyPicksAsArgoDoes() async throws {
        try await withRegistry { server, chooser, endpoint in
            let start = Date(timeIntervalSince1970: 1_760_000_000)
            // Pushed in this order, so the newest build is not the highest version.
            for (hour, tag) in ["1.2.0", "1.10.1", "2.0.0-rc.1", "v1.9.0", "a1b2c3d", "2024-05-01", "2024-11-30"]
                .enumerated()
            {
                try await server.push("team/api", tag: tag, created: start.addingTimeInterval(Double(hour) * 3600))
            }
            let image = "\(server.host)/team/api"
            let semver = try spec([Self.p + "image-list": "api=\(image):1.x"])
            #expect(try await chooser.choose(semver, at: endpoint) == ImageChoice(tag: "1.10.1"))
            let prerelease = try spec([Self.p + "image-list": "api=\(image):2.x-0"])
            #expect(try await chooser.choose(prerelease, at: endpoint) == ImageChoice(tag: "2.0.0-rc.1"))
            let pinned = try spec([Self.p + "image-list": "api=\(image):~1.2"])
            #expect(try await chooser.choose(pinned, at: endpoint) == ImageChoice(tag: "1.2.0"))

            let newest = try spec([
                Self.p + "image-list": "api=\(image)", Self.p + "api.update-strategy": "newest-build",
            ])
            #expect(try await chooser.choose(newest, at: endpoint) == ImageChoice(tag: "2024-11-30"))
            let sha = try spec([
                Self.p + "image-list": "api=\(image)", Self.p + "api.update-strategy": "newest-build",
                Self.p + "api.allow-tags": "regexp:^[0-9a-f]{7}$",
            ])
            #expect(try await chooser.choose(sha, at: endpoint) == ImageChoice(tag: "a1b2c3d"))
            // Build times are fetched once per tag; a later check reads none again.
            let fetched = await chooser.cache.fetches
            #expect(fetched == 7)
            #expect(try await chooser.choose(newest, at: endpoint) == ImageChoice(tag: "2024-11-30"))
            #expect(await chooser.cache.fetches == fetched)

            let calendar = try spec([
                Self.p + "image-list": "api=\(image)", Self.p + "api.update-strategy": "alphabetical",
                Self.p + "api.allow-tags": "regexp:^[0-9]{4}-", Self.p + "api.ignore-tags": "2024-11-*",
            ])
            #expect(try await chooser.choose(calendar, at: endpoint) == ImageChoice(tag: "2024-05-01"))
            let none = try spec([Self.p + "image-list": "api=\(image):3.x"])
            #expect(try await chooser.choose(none, at: endpoint) == nil)
        }
    }

    @Test func digestFollowsAMutableTag() async throws {
        try await withRegistry { server, chooser, endpoint in
            let first = try await server.push("web", tag: "latest")
            let follow = try spec([
                Self.p + "image-list": "web=\(server.host)/web:latest", Self.p + "web.update-strategy": "digest",
            ])
            #expect(try await chooser.choose(follow, at: endpoint) == ImageChoice(tag: "latest", digest: first))
            let second = try await server.push("web", tag: "latest")
            #expect(first != second)
            #expect(try await chooser.choose(follow, at: endpoint) == ImageChoice(tag: "latest", digest: second))
        }
    }

    @Test func platformsPassOverTagsNotBuiltForThem() async throws {
        try await withRegistry { server, chooser, endpoint in
            try await server.push("multi", tag: "1.0.0", platforms: ["linux/amd64", "linux/arm64/v8"])
            try await server.push("multi", tag: "1.1.0", platforms: ["linux/amd64"])
            let arm = try spec([
                Self.p + "image-list": "m=\(server.host)/multi", Self.p + "m.platforms": "linux/arm64",
            ])
            #expect(try await chooser.choose(arm, at: endpoint) == ImageChoice(tag: "1.0.0"))
            let amd = try spec([Self.p + "image-list": "m=\(server.host)/multi", Self.p + "m.platforms": "linux/amd64"])
            #expect(try await chooser.choose(amd, at: endpoint) == ImageChoice(tag: "1.1.0"))
        }
    }
}

import Foundation
import Registry

/// What an image should be updated to: a tag, and with the `digest` strategy the digest it names now.
public struct ImageChoice: Sendable, Equatable {
    public var tag: String
    public var digest: String?

    public init(tag: String, digest: String? = nil) {
        self.tag = tag
        self.digest = digest
    }
}

/// Build times of tags already looked at, so `newest-build` fetches manifests and config blobs only for tags
/// it has not seen (tags are taken as immutable, as every strategy but `digest` takes them).
public actor ImageMetadataCache {
    var built: [String: Date?] = [:]
    public private(set) var fetches = 0

    public init() {}

    func created(
        _ key: String, fetch: () async throws(RegistryError) -> Date?
    ) async throws(RegistryError) -> Date? {
        if let known = built[key] { return known }
        fetches += 1
        let date = try await fetch()
        built[key] = date
        return date
    }
}

/// Chooses the tag an image should be updated to, from its registry: tags listed, filtered by `allow-tags` and
/// `ignore-tags` before anything else is fetched, then picked by the strategy; with `platforms`, a tag whose
/// image is not built for all of them is passed over.
public struct TagChooser: Sendable {
    public let client: RegistryClient
    public let cache: ImageMetadataCache

    public init(client: RegistryClient, cache: ImageMetadataCache = ImageMetadataCache()) {
        self.client = client
        self.cache = cache
    }

    public func choose(
        _ spec: ImageUpdateSpec, at endpoint: RegistryEndpoint
    ) async throws(RegistryError) -> ImageChoice? {
        try await evaluate(spec, at: endpoint).choice
    }

    /// The choice and the tags it was made from (those `allow-tags`/`ignore-tags` admit).
    public func evaluate(
        _ spec: ImageUpdateSpec, at endpoint: RegistryEndpoint
    ) async throws(RegistryError) -> (candidates: [String], choice: ImageChoice?) {
        if spec.strategy == .digest, let tag = spec.constraint {
            let manifest = try await client.manifest(spec.image, reference: tag, at: endpoint)
            guard try await builtFor(spec.platforms, manifest, spec.image, endpoint) else { return ([tag], nil) }
            return ([tag], ImageChoice(tag: tag, digest: manifest.digest))
        }
        let admitted = try await client.tags(spec.image, at: endpoint).filter(spec.filter.admits)
        var candidates = admitted
        while true {
            let pick: String?
            switch spec.strategy {
            case .semver: pick = TagSelection.semver(candidates, constraint: spec.versionConstraint)
            case .alphabetical: pick = TagSelection.alphabetical(candidates)
            case .newestBuild, .digest: pick = try await newest(candidates, spec, endpoint)
            }
            guard let pick else { return (admitted, nil) }
            if spec.platforms.isEmpty { return (admitted, ImageChoice(tag: pick)) }
            let manifest = try await client.manifest(spec.image, reference: pick, at: endpoint)
            if try await builtFor(spec.platforms, manifest, spec.image, endpoint) {
                return (admitted, ImageChoice(tag: pick))
            }
            candidates.removeAll { $0 == pick }
        }
    }

    func newest(
        _ tags: [String], _ spec: ImageUpdateSpec, _ endpoint: RegistryEndpoint
    ) async throws(RegistryError) -> String? {
        var built: [String: Date?] = [:]
        for tag in tags {
            built[tag] = try await cache.created("\(spec.image.registry)/\(spec.image.repository):\(tag)") {
                () async throws(RegistryError) -> Date? in
                let manifest = try await client.manifest(spec.image, reference: tag, at: endpoint)
                switch manifest.content {
                case .image(let config):
                    return try await client.created(spec.image, configDigest: config, at: endpoint)
                case .index(let entries):
                    // An index's build time is its first image's (of the wanted platform when one is asked for).
                    let entry =
                        entries.first { entry in spec.platforms.contains { platformMatches(entry.platform, wanted: $0) }
                        }
                        ?? entries.first
                    guard let entry else { return nil }
                    let image = try await client.manifest(spec.image, reference: entry.digest, at: endpoint)
                    guard case .image(let config) = image.content else { return nil }
                    return try await client.created(spec.image, configDigest: config, at: endpoint)
                }
            }
        }
        return TagSelection.newestBuild(built)
    }

    /// Whether `manifest` has an image for every platform wanted (a single image: its config says which).
    func builtFor(
        _ platforms: [String], _ manifest: Manifest, _ image: RegistryImage, _ endpoint: RegistryEndpoint
    ) async throws(RegistryError) -> Bool {
        guard !platforms.isEmpty else { return true }
        switch manifest.content {
        case .index(let entries):
            return platforms.allSatisfy { wanted in entries.contains { platformMatches($0.platform, wanted: wanted) } }
        case .image(let config):
            let platform = try await client.platform(image, configDigest: config, at: endpoint)
            return platforms.allSatisfy { platformMatches(platform, wanted: $0) }
        }
    }
}

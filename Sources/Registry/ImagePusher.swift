import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1

/// Pushes small synthetic images through a registry's HTTP API as `docker push` does (blob uploads, then the
/// manifest): a config blob with the `created` time and platform asked for, one image or a multi-platform
/// index. For tests, benchmarks and demos against a real registry without a container engine.
public struct ImagePusher: Sendable {
    public let url: String
    /// An `Authorization` header value to send (`Basic ...`), for a registry that requires one.
    public let authorization: String?

    public init(url: String, authorization: String? = nil) {
        self.url = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.authorization = authorization
    }

    /// Pushes `repository:tag`: one image built at `created` (its config's `created`), or, with several
    /// `platforms` (`linux/amd64`, `linux/arm64/v8`), an index of one image per platform. Returns the digest
    /// of what the tag names.
    @discardableResult
    public func push(
        _ repository: String, tag: String, created: Date = Date(), platforms: [String] = ["linux/amd64"],
        index: Bool = false
    ) async throws(RegistryError) -> String {
        var entries: [(digest: String, size: Int, platform: String)] = []
        for platform in platforms {
            let parts = platform.split(separator: "/").map(String.init)
            var config: [String: Any] = [
                "architecture": parts[1], "os": parts[0], "created": Self.format(created),
                "rootfs": ["type": "layers", "diff_ids": []],
            ]
            if parts.count > 2 { config["variant"] = parts[2] }
            let configBytes = try Self.json(config)
            let layer = Data("\(repository):\(tag):\(platform):\(UUID())".utf8)
            let configDigest = try await upload(repository, configBytes)
            let layerDigest = try await upload(repository, layer)
            let manifest = try Self.json(
                [
                    "schemaVersion": 2, "mediaType": Self.imageType,
                    "config": [
                        "mediaType": "application/vnd.docker.container.image.v1+json", "size": configBytes.count,
                        "digest": configDigest,
                    ],
                    "layers": [
                        [
                            "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": layer.count,
                            "digest": layerDigest,
                        ]
                    ],
                ])
            let reference = index || platforms.count > 1 ? Self.digest(manifest) : tag
            try await put(repository, reference: reference, manifest, type: Self.imageType)
            entries.append((Self.digest(manifest), manifest.count, platform))
        }
        guard index || platforms.count > 1 else { return entries[0].digest }
        let list = try Self.json(
            [
                "schemaVersion": 2, "mediaType": Self.listType,
                "manifests": entries.map { entry -> [String: Any] in
                    let parts = entry.platform.split(separator: "/").map(String.init)
                    var platform: [String: Any] = ["os": parts[0], "architecture": parts[1]]
                    if parts.count > 2 { platform["variant"] = parts[2] }
                    return [
                        "mediaType": Self.imageType, "size": entry.size, "digest": entry.digest, "platform": platform,
                    ]
                },
            ])
        try await put(repository, reference: tag, list, type: Self.listType)
        return Self.digest(list)
    }

    static let imageType = "application/vnd.docker.distribution.manifest.v2+json"
    static let listType = "application/vnd.docker.distribution.manifest.list.v2+json"

    static func digest(_ data: Data) -> String {
        "sha256:" + SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    /// A blob upload: POST for an upload location, then PUT the bytes with their digest.
    func upload(_ repository: String, _ bytes: Data) async throws(RegistryError) -> String {
        let digest = Self.digest(bytes)
        var start = HTTPClientRequest(url: "\(url)/v2/\(repository)/blobs/uploads/")
        start.method = .POST
        if let authorization { start.headers.add(name: "Authorization", value: authorization) }
        let started = try await send(start)
        guard started.status == .accepted, let location = started.headers.first(name: "location") else {
            throw RegistryError(
                .server(status: Int(started.status.code)), "blob upload to \(repository) answered \(started.status)")
        }
        let target = (location.hasPrefix("http") ? location : url + location)
        var put = HTTPClientRequest(
            url: target + (target.contains("?") ? "&" : "?") + "digest=\(digest)")
        put.method = .PUT
        put.headers.add(name: "Content-Type", value: "application/octet-stream")
        if let authorization { put.headers.add(name: "Authorization", value: authorization) }
        put.body = .bytes(ByteBuffer(bytes: bytes))
        let stored = try await send(put)
        guard stored.status == .created else {
            throw RegistryError(
                .server(status: Int(stored.status.code)), "blob upload to \(repository) ended with \(stored.status)")
        }
        return digest
    }

    func put(_ repository: String, reference: String, _ manifest: Data, type: String) async throws(RegistryError) {
        var request = HTTPClientRequest(url: "\(url)/v2/\(repository)/manifests/\(reference)")
        request.method = .PUT
        request.headers.add(name: "Content-Type", value: type)
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        request.body = .bytes(ByteBuffer(bytes: manifest))
        let response = try await send(request)
        guard response.status == .created else {
            throw RegistryError(
                .server(status: Int(response.status.code)),
                "manifest \(repository):\(reference) answered \(response.status)")
        }
    }

    func send(_ request: HTTPClientRequest) async throws(RegistryError) -> HTTPClientResponse {
        do { return try await HTTPClient.shared.execute(request, timeout: .seconds(10)) } catch {
            throw RegistryError(.transport, "\(request.url) could not be reached: \(error)")
        }
    }

    static func json(_ object: Any) throws(RegistryError) -> Data {
        do { return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) } catch {
            throw RegistryError(.malformed, "cannot encode \(object): \(error)")
        }
    }
}

import AsyncHTTPClient
import Crypto
import Foundation
import Kube
import NIOCore
import NIOHTTP1
import NIOSSL

/// A client of the Distribution API v2 (Docker Hub, GHCR, ECR, Harbor, the CNCF registry): tags with `Link`
/// pagination, manifests (Docker schema 2, OCI, manifest lists and indexes) with their digest, and config blobs
/// for an image's creation time. Authentication follows the registry's challenge: anonymous first, then Basic
/// with the endpoint's credentials, or the bearer-token flow (a token from the challenge's realm for its
/// service and scope, cached per scope); a 401 refreshes the credentials once. Every failure is a
/// `RegistryError`.
public actor RegistryClient {
    let http: HTTPClient
    let insecureHTTP: HTTPClient
    let timeout: TimeAmount
    /// Bearer tokens by API URL and scope.
    var tokens: [String: String] = [:]
    /// API URLs whose challenge asked for Basic auth (sent up front from then on).
    var basicRealms: Set<String> = []
    /// Requests per second allowed per API URL.
    var pacer = RequestPacer()
    /// Requests sent since the start (token requests included), for the benchmark and tests.
    public internal(set) var requestCount = 0
    /// Pages of tags read at most (a registry whose `Link` never ends cannot loop the client).
    static let maximumPages = 200

    /// `timeout` bounds each request; a registry that refuses connections fails after at most `connectTimeout`
    /// (connection attempts are retried until then), so one registry that is down does not hold a cycle long.
    public init(timeout: Duration = .seconds(10), connectTimeout: Duration = .seconds(3)) {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(connectTimeout.components.seconds)
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        configuration.tlsConfiguration = .makeClientConfiguration()
        configuration.tlsConfiguration?.certificateVerification = .none
        insecureHTTP = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.timeout = .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000)
    }

    public func shutdown() async throws {
        try await http.shutdown()
        try await insecureHTTP.shutdown()
    }

    /// Every tag of the image's repository, following `Link: <...>; rel="next"` pages (`pageSize` asks for pages
    /// of that many; by default the registry chooses).
    public func tags(
        _ image: RegistryImage, at endpoint: RegistryEndpoint, pageSize: Int? = nil
    ) async throws(RegistryError) -> [String] {
        var path: String? = "/v2/\(image.repository)/tags/list" + (pageSize.map { "?n=\($0)" } ?? "")
        var tags: [String] = []
        var seen: Set<String> = []
        while let next = path {
            guard seen.insert(next).inserted, seen.count <= Self.maximumPages else {
                throw RegistryError(.malformed, "the tag list of \(image.name) does not end (page \(next) again)")
            }
            let response = try await send(next, accept: ["application/json"], image: image, endpoint: endpoint)
            let json: JSON
            do { json = try JSON.parse(response.body) } catch {
                throw RegistryError(.malformed, "the tag list of \(image.name) is not JSON: \(error)")
            }
            guard let page = json["tags"] else {
                throw RegistryError(.malformed, "the tag list of \(image.name) has no \"tags\"")
            }
            tags += (page.arrayValue ?? []).compactMap(\.stringValue)
            path = Self.nextPage(response.headers.first(name: "link"))
        }
        return tags
    }

    /// The manifest `reference` (a tag or a digest) names.
    public func manifest(
        _ image: RegistryImage, reference: String, at endpoint: RegistryEndpoint
    ) async throws(RegistryError) -> Manifest {
        let response = try await send(
            "/v2/\(image.repository)/manifests/\(reference)", accept: Manifest.accepted, image: image,
            endpoint: endpoint)
        let digest =
            response.headers.first(name: "docker-content-digest")
            ?? "sha256:" + SHA256.hash(data: response.body).map { String(format: "%02x", $0) }.joined()
        return try Manifest.parse(
            response.body, mediaType: response.headers.first(name: "content-type"), digest: digest)
    }

    /// When the image whose config blob is `configDigest` was built (its `created`), nil when it does not say.
    public func created(
        _ image: RegistryImage, configDigest: String, at endpoint: RegistryEndpoint
    ) async throws(RegistryError) -> Date? {
        try await config(image, configDigest, endpoint)["created"]?.stringValue.flatMap(Self.parseTime)
    }

    /// The `os/architecture[/variant]` an image's config says it was built for.
    public func platform(
        _ image: RegistryImage, configDigest: String, at endpoint: RegistryEndpoint
    ) async throws(RegistryError) -> String {
        let config = try await config(image, configDigest, endpoint)
        return [config["os"], config["architecture"], config["variant"]].compactMap { $0?.stringValue }
            .joined(separator: "/")
    }

    func config(
        _ image: RegistryImage, _ configDigest: String, _ endpoint: RegistryEndpoint
    ) async throws(RegistryError) -> JSON {
        let response = try await send(
            "/v2/\(image.repository)/blobs/\(configDigest)", accept: ["application/json", "*/*"], image: image,
            endpoint: endpoint)
        do { return try JSON.parse(response.body) } catch {
            throw RegistryError(.malformed, "the config blob \(configDigest) of \(image.name) is not JSON")
        }
    }

    static func parseTime(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    /// The path and query of a `Link` header's `rel="next"` target.
    static func nextPage(_ link: String?) -> String? {
        guard let link, link.contains("rel=\"next\"") || link.contains("rel=next"),
            let open = link.firstIndex(of: "<"), let close = link.firstIndex(of: ">"), open < close
        else { return nil }
        let target = String(link[link.index(after: open)..<close])
        guard target.hasPrefix("http://") || target.hasPrefix("https://") else { return target }
        // An absolute link: only its path and query (the endpoint stays the one configured).
        let afterScheme = target[target.index(target.startIndex, offsetBy: target.hasPrefix("https") ? 8 : 7)...]
        return afterScheme.firstIndex(of: "/").map { String(afterScheme[$0...]) }
    }
}

import Foundation
import Kube
import Logging

/// The clusters Applications deploy to: the controller's own (`https://kubernetes.default.svc`, or the name
/// `in-cluster`) and any cluster registered by a Secret labelled `argocd.argoproj.io/secret-type: cluster`
/// with Argo CD's fields `name`, `server` and `config` (JSON: `bearerToken`, `username`/`password`,
/// `tlsClientConfig.insecure|caData|certData|keyData`). Each cluster gets its own live-state cache.
public actor ClusterRegistry {
    let local: ClusterCache
    let client: KubeClient
    let namespace: String
    let logger: Logger
    private var remotes: [String: ClusterCache] = [:]
    private var onChange: (@Sendable (String) async -> Void)?

    init(local: ClusterCache, client: KubeClient, namespace: String, logger: Logger) {
        self.local = local
        self.client = client
        self.namespace = namespace
        self.logger = logger
    }

    func setChangeHandler(_ handler: @escaping @Sendable (String) async -> Void) async {
        onChange = handler
        await local.setChangeHandler(handler)
        for cache in remotes.values { await cache.setChangeHandler(handler) }
    }

    /// The cache (and client) for an Application's destination.
    func cache(for destination: ApplicationDestination) async throws(ComparisonFailure) -> ClusterCache {
        if destination.isInCluster { return local }
        let wanted = destination.server ?? destination.name ?? ""
        if let cached = remotes[wanted] { return cached }
        let secrets: [KubeObject]
        do {
            secrets = try await client.listAll(
                .secrets, namespace: namespace, labelSelector: "argocd.argoproj.io/secret-type=cluster"
            ).items
        } catch {
            throw .comparison("cannot read cluster Secrets in namespace \(namespace): \(error.message)")
        }
        guard
            let secret = secrets.first(where: { secret in
                destination.server.map { Self.field(secret, "server") == $0 }
                    ?? (Self.field(secret, "name") == destination.name)
            }), let server = Self.field(secret, "server")
        else {
            throw .invalidSpec(
                "destination cluster '\(wanted)' is not registered (no cluster Secret in namespace \(namespace) names it)"
            )
        }
        let config: JSON
        do { config = try JSON.parse(Array((Self.field(secret, "config") ?? "{}").utf8)) } catch {
            throw .invalidSpec("cluster Secret \(secret.name): 'config' is not JSON: \(error)")
        }
        let tls = config["tlsClientConfig"]
        let clusterConfig = ClusterConfig(
            server: server,
            certificateAuthorityPEM: tls?["caData"]?.stringValue.flatMap { Data(base64Encoded: $0) }.map { Array($0) },
            insecureSkipTLSVerify: tls?["insecure"]?.boolValue ?? false,
            bearerToken: config["bearerToken"]?.stringValue,
            clientCertificatePEM: tls?["certData"]?.stringValue.flatMap { Data(base64Encoded: $0) }.map { Array($0) },
            clientKeyPEM: tls?["keyData"]?.stringValue.flatMap { Data(base64Encoded: $0) }.map { Array($0) },
            username: config["username"]?.stringValue, password: config["password"]?.stringValue)
        let remoteClient: KubeClient
        do { remoteClient = try KubeClient(config: clusterConfig, logger: logger) } catch {
            throw .invalidSpec("cluster '\(wanted)': \(error)")
        }
        let cache = ClusterCache(client: remoteClient, logger: logger)
        if let onChange { await cache.setChangeHandler(onChange) }
        remotes[wanted] = cache
        return cache
    }

    func stop() async {
        await local.stop()
        for cache in remotes.values {
            await cache.stop()
            try? await cache.client.shutdown()  // the registry made these clients; the local one is the caller's
        }
        remotes = [:]
    }

    static func field(_ secret: KubeObject, _ key: String) -> String? {
        if let plain = secret.json[path: ["stringData", key]]?.stringValue { return plain }
        guard let encoded = secret.json[path: ["data", key]]?.stringValue, let data = Data(base64Encoded: encoded)
        else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}

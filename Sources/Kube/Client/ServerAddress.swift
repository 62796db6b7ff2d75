import Foundation

/// Where an API server listens, read from a kubeconfig's `server` URL: TLS or not, host, port, and a path
/// prefix (a server behind a proxy may serve the API below one, as `https://proxy.example/k8s/clusters/c-1`).
struct ServerAddress: Sendable, Equatable {
    let tls: Bool
    /// The host name or IP address, IPv6 without brackets.
    let host: String
    let port: Int
    /// Prepended to every request path; empty or starting with `/`, never ending with one.
    let pathPrefix: String

    init(_ server: String) throws(ConfigError) {
        guard let components = URLComponents(string: server), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", var host = components.host, !host.isEmpty
        else {
            throw ConfigError("the server address \(server) is not an http:// or https:// URL with a host")
        }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        tls = scheme == "https"
        self.host = host
        port = components.port ?? (tls ? 443 : 80)
        var prefix = components.percentEncodedPath
        while prefix.hasSuffix("/") { prefix.removeLast() }
        pathPrefix = prefix
    }

    /// The `Host` header: the host (IPv6 in brackets) and the port.
    var hostHeader: String {
        (host.contains(":") ? "[\(host)]" : host) + ":\(port)"
    }

    /// The name TLS checks the certificate against and sends as SNI; IP addresses send no SNI.
    var serverNameIndication: String? {
        host.contains(":") || host.split(separator: ".").allSatisfy({ Int($0) != nil }) ? nil : host
    }
}

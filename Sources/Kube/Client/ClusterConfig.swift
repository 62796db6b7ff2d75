import Foundation

/// Everything needed to reach one API server: its URL, how to trust it and how to authenticate.
public struct ClusterConfig: Sendable {
    public var server: String
    public var certificateAuthorityPEM: [UInt8]?
    public var insecureSkipTLSVerify: Bool
    public var bearerToken: String?
    /// A file whose content is the bearer token, re-read on every request (projected tokens rotate).
    public var bearerTokenFile: String?
    public var clientCertificatePEM: [UInt8]?
    public var clientKeyPEM: [UInt8]?
    public var username: String?
    public var password: String?
    /// The namespace the context names, `default` when it names none.
    public var namespace: String

    public init(
        server: String, certificateAuthorityPEM: [UInt8]? = nil, insecureSkipTLSVerify: Bool = false,
        bearerToken: String? = nil, bearerTokenFile: String? = nil, clientCertificatePEM: [UInt8]? = nil,
        clientKeyPEM: [UInt8]? = nil, username: String? = nil, password: String? = nil,
        namespace: String = "default"
    ) {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.bearerToken = bearerToken
        self.bearerTokenFile = bearerTokenFile
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.username = username
        self.password = password
        self.namespace = namespace
    }

    /// The `Authorization` header value for the next request. A token file is read each time (tokens rotate);
    /// one that cannot be read is an error naming it, not a request sent without credentials.
    func authorization() throws(KubeError) -> String? {
        if let file = bearerTokenFile {
            do {
                let token = try String(contentsOfFile: file, encoding: .utf8)
                return "Bearer " + token.trimmingCharacters(in: .whitespacesAndNewlines)
            } catch {
                throw KubeError(
                    code: 0, reason: .invalidResponse, message: "cannot read the bearer token file \(file): \(error)")
            }
        }
        if let bearerToken { return "Bearer " + bearerToken }
        if let username, let password {
            return "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
        }
        return nil
    }

    /// The service-account configuration a pod gets (`KUBERNETES_SERVICE_HOST` and the mounted token).
    public static func inCluster(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        directory: String = "/var/run/secrets/kubernetes.io/serviceaccount"
    ) throws(ConfigError) -> ClusterConfig {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], let port = environment["KUBERNETES_SERVICE_PORT"]
        else {
            throw ConfigError("not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are unset")
        }
        let tokenFile = directory + "/token"
        guard FileManager.default.fileExists(atPath: tokenFile) else {
            throw ConfigError("service account token \(tokenFile) is missing")
        }
        let ca = FileManager.default.contents(atPath: directory + "/ca.crt").map { Array($0) }
        let namespace = (try? String(contentsOfFile: directory + "/namespace", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return ClusterConfig(
            server: "https://\(hostPart):\(port)", certificateAuthorityPEM: ca,
            bearerTokenFile: tokenFile, namespace: namespace ?? "default")
    }
}

/// A configuration that cannot be used, saying which file or entry is wrong.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

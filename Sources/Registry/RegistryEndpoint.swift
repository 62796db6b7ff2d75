import Foundation

/// Where and how to reach one registry: the API's base URL (`https://ghcr.io`; `http://` for a plain-HTTP
/// registry, as `registries.conf`'s `api_url` says), whether to skip certificate checks, and credentials.
public struct RegistryEndpoint: Sendable, Equatable {
    public var apiURL: String
    public var insecure: Bool
    public var credentials: RegistryCredentials?

    public init(apiURL: String, insecure: Bool = false, credentials: RegistryCredentials? = nil) {
        self.apiURL = apiURL.hasSuffix("/") ? String(apiURL.dropLast()) : apiURL
        self.insecure = insecure
        self.credentials = credentials
    }

    /// The endpoint a registry has when nothing configures it: HTTPS on its host, anonymous.
    public static func standard(for registry: String) -> RegistryEndpoint {
        RegistryEndpoint(apiURL: "https://\(registry)")
    }
}

/// Credentials for a registry: a user name and password (or access token used as one), sent as Basic auth or
/// exchanged for a bearer token, as the registry's challenge asks.
public struct RegistryCredentials: Sendable, Equatable {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    var basicHeader: String {
        "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
    }
}

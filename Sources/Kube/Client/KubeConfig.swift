import Foundation

/// A kubeconfig: clusters, users and contexts read from one file or a `KUBECONFIG` list, merged as kubectl does
/// (for each name, the first file that defines it wins; the first `current-context` wins).
public struct KubeConfig: Sendable {
    public var clusters: [String: JSON] = [:]
    public var users: [String: JSON] = [:]
    public var contexts: [String: JSON] = [:]
    public var currentContext: String?
    /// Directory of the file each named entry came from, for resolving relative paths.
    var baseDirectories: [String: String] = [:]

    public init() {}

    /// Loads `KUBECONFIG` (a `:`-separated list) or `~/.kube/config`.
    public static func load(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigError)
        -> KubeConfig
    {
        let paths: [String]
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            paths = list.split(separator: ":").map(String.init)
        } else {
            paths = [(environment["HOME"] ?? NSHomeDirectory()) + "/.kube/config"]
        }
        var config = KubeConfig()
        var found = false
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            found = true
            let text = String(decoding: data, as: UTF8.self)
            try config.merge(text: text, directory: (path as NSString).deletingLastPathComponent, source: path)
        }
        guard found else { throw ConfigError("no kubeconfig found at \(paths.joined(separator: ", "))") }
        return config
    }

    /// Parses one kubeconfig document.
    public init(text: String, directory: String = ".") throws(ConfigError) {
        try merge(text: text, directory: directory, source: "kubeconfig")
    }

    mutating func merge(text: String, directory: String, source: String) throws(ConfigError) {
        let document: JSON
        do { document = try YAML.parse(text) } catch { throw ConfigError("\(source): \(error.message)") }
        func entries(_ key: String, _ inner: String, into map: inout [String: JSON], prefix: String) {
            for entry in document[key]?.arrayValue ?? [] {
                guard let name = entry["name"]?.stringValue, map[name] == nil else { continue }
                map[name] = entry[inner] ?? .object([:])
                baseDirectories[prefix + name] = directory
            }
        }
        entries("clusters", "cluster", into: &clusters, prefix: "cluster:")
        entries("users", "user", into: &users, prefix: "user:")
        entries("contexts", "context", into: &contexts, prefix: "context:")
        if currentContext == nil, let current = document["current-context"]?.stringValue, !current.isEmpty {
            currentContext = current
        }
    }

    /// Resolves a context (the current one by default) into a `ClusterConfig`.
    public func clusterConfig(context name: String? = nil) throws(ConfigError) -> ClusterConfig {
        guard let contextName = name ?? currentContext else { throw ConfigError("kubeconfig has no current-context") }
        guard let context = contexts[contextName] else { throw ConfigError("context \"\(contextName)\" not found") }
        guard let clusterName = context["cluster"]?.stringValue, let cluster = clusters[clusterName] else {
            throw ConfigError("context \"\(contextName)\" names a cluster that is not defined")
        }
        guard let server = cluster["server"]?.stringValue else {
            throw ConfigError("cluster \"\(clusterName)\" has no server")
        }
        let user = context["user"]?.stringValue.flatMap { users[$0] } ?? .object([:])
        let clusterDir = baseDirectories["cluster:" + clusterName] ?? "."
        let userDir = baseDirectories["user:" + (context["user"]?.stringValue ?? "")] ?? "."
        return ClusterConfig(
            server: server,
            certificateAuthorityPEM: try Self.bytes(
                cluster, data: "certificate-authority-data",
                file: "certificate-authority", directory: clusterDir),
            insecureSkipTLSVerify: cluster["insecure-skip-tls-verify"]?.boolValue ?? false,
            bearerToken: user["token"]?.stringValue,
            bearerTokenFile: user["tokenFile"]?.stringValue.map { Self.resolve($0, directory: userDir) },
            clientCertificatePEM: try Self.bytes(
                user, data: "client-certificate-data", file: "client-certificate",
                directory: userDir),
            clientKeyPEM: try Self.bytes(user, data: "client-key-data", file: "client-key", directory: userDir),
            username: user["username"]?.stringValue, password: user["password"]?.stringValue,
            namespace: context["namespace"]?.stringValue ?? "default")
    }

    static func resolve(_ path: String, directory: String) -> String {
        path.hasPrefix("/") ? path : directory + "/" + path
    }

    static func bytes(_ entry: JSON, data: String, file: String, directory: String) throws(ConfigError) -> [UInt8]? {
        if let encoded = entry[data]?.stringValue {
            guard let decoded = Data(base64Encoded: encoded) else { throw ConfigError("\(data) is not valid base64") }
            return Array(decoded)
        }
        if let path = entry[file]?.stringValue {
            let full = resolve(path, directory: directory)
            guard let contents = FileManager.default.contents(atPath: full) else {
                throw ConfigError("\(file) \(full) cannot be read")
            }
            return Array(contents)
        }
        return nil
    }
}

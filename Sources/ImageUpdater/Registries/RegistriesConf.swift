import Kube
import Registry

/// One registry of `registries.conf` (key of the ConfigMap `argocd-image-updater-config`), in Argo CD Image
/// Updater's format: which images it serves (`prefix`), where its API is (`api_url`; `http://` for a
/// plain-HTTP registry), `credentials` (the forms of `pull-secret`), `insecure` (no TLS verification),
/// `defaultns` (the namespace of an image named without one), `default` (serves images named without a
/// registry), `limit` (requests per second, 20 by default) and `tagsortmode`.
public struct RegistryConfiguration: Sendable, Equatable {
    public var name: String
    public var prefix: String
    public var apiURL: String
    public var credentials: PullSecretReference?
    public var insecure: Bool
    public var defaultNamespace: String?
    public var isDefault: Bool
    public var limit: Int
    /// `latest-first`, `latest-last` or `none` (the order the registry lists tags in).
    public var tagSortMode: String
}

/// `registries.conf`, read as Argo CD Image Updater reads it, and the endpoint each image is reached at.
public struct RegistriesConf: Sendable, Equatable {
    public var registries: [RegistryConfiguration]

    public init(registries: [RegistryConfiguration] = []) { self.registries = registries }

    /// Parses the file; a problem names the entry and field that cannot be used.
    public init(_ text: String) throws(ImageSettingProblem) {
        let json: JSON
        do { json = try YAML.parse(text) } catch {
            throw ImageSettingProblem(setting: "registries.conf", message: "is not YAML: \(error)")
        }
        var registries: [RegistryConfiguration] = []
        for (index, entry) in (json["registries"]?.arrayValue ?? []).enumerated() {
            let field = "registries.conf registries[\(index)]"
            guard let prefix = entry["prefix"]?.stringValue, !prefix.isEmpty else {
                throw ImageSettingProblem(setting: field, message: "needs a prefix")
            }
            let apiURL =
                entry["api_url"]?.stringValue ?? "https://\(prefix == "docker.io" ? RegistryImage.dockerHub : prefix)"
            guard apiURL.hasPrefix("https://") || apiURL.hasPrefix("http://") else {
                throw ImageSettingProblem(setting: "\(field).api_url", message: "\"\(apiURL)\" is not an http(s) URL")
            }
            var credentials: PullSecretReference?
            if let text = entry["credentials"]?.stringValue {
                do { credentials = try PullSecretReference(text) } catch {
                    throw ImageSettingProblem(setting: "\(field).credentials", message: error.message)
                }
            }
            let limit = entry["limit"].map { Int($0.intValue ?? -1) } ?? 20
            guard limit > 0 else {
                throw ImageSettingProblem(
                    setting: "\(field).limit", message: "must be a positive number of requests per second")
            }
            let sortMode = entry["tagsortmode"]?.stringValue ?? "none"
            guard ["latest-first", "latest-last", "none"].contains(sortMode) else {
                throw ImageSettingProblem(
                    setting: "\(field).tagsortmode",
                    message: "must be latest-first, latest-last or none, not \"\(sortMode)\"")
            }
            registries.append(
                RegistryConfiguration(
                    name: entry["name"]?.stringValue ?? prefix, prefix: prefix, apiURL: apiURL,
                    credentials: credentials,
                    insecure: Self.flag(entry["insecure"]), defaultNamespace: entry["defaultns"]?.stringValue,
                    isDefault: Self.flag(entry["default"]), limit: limit, tagSortMode: sortMode))
        }
        guard registries.filter(\.isDefault).count <= 1 else {
            throw ImageSettingProblem(setting: "registries.conf", message: "more than one registry is the default")
        }
        self.registries = registries
    }

    /// `yes`/`true` as YAML 1.1 (Argo's parser) reads them.
    static func flag(_ value: JSON?) -> Bool {
        if let bool = value?.boolValue { return bool }
        return ["yes", "true", "on"].contains(value?.stringValue?.lowercased() ?? "")
    }

    /// The configuration serving `reference` (as written in `image-list`): the one whose prefix it starts with,
    /// or the default one for a reference without a registry.
    public func configuration(for reference: String) -> RegistryConfiguration? {
        let named =
            reference.split(separator: "/").first.map { part in
                part.contains(".") || part.contains(":") || part == "localhost"
            } ?? false
        if !named { return registries.first(where: \.isDefault) }
        return registries.filter { reference.hasPrefix($0.prefix + "/") }.max { $0.prefix.count < $1.prefix.count }
    }

    /// The image `reference` names, with a configured default registry and namespace applied, and the endpoint
    /// to ask (`credentials` resolved by the caller).
    public func resolve(
        _ reference: String, credentials: RegistryCredentials? = nil
    ) -> (image: RegistryImage, endpoint: RegistryEndpoint)? {
        let configuration = configuration(for: reference)
        var text = reference
        if let configuration, configuration.isDefault, !text.hasPrefix(configuration.prefix + "/") {
            let path = text.split(separator: ":").first.map(String.init) ?? text
            if let namespace = configuration.defaultNamespace, !path.contains("/") { text = "\(namespace)/\(text)" }
            text = "\(configuration.prefix)/\(text)"
        }
        guard let image = RegistryImage(text) else { return nil }
        guard let configuration else { return (image, .standard(for: image.registry)) }
        return (
            image,
            RegistryEndpoint(apiURL: configuration.apiURL, insecure: configuration.insecure, credentials: credentials)
        )
    }
}

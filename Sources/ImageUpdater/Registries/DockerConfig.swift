import Foundation
import Kube
import Registry

/// Credentials from a `kubernetes.io/dockerconfigjson` pull secret (`.dockerconfigjson`, as `kubectl create
/// secret docker-registry` writes it): the `auths` entry for the image's registry, with `auth` (base64 of
/// `user:password`) or `username`/`password`. Docker Hub's entry is keyed `https://index.docker.io/v1/`.
public enum DockerConfig {
    public static func credentials(
        _ data: [UInt8], registry: String
    ) throws(ImageSettingProblem) -> RegistryCredentials? {
        let json: JSON
        do { json = try JSON.parse(data) } catch {
            throw ImageSettingProblem(setting: "pull-secret", message: ".dockerconfigjson is not JSON: \(error)")
        }
        let hosts =
            registry == RegistryImage.dockerHub
            ? ["https://index.docker.io/v1/", "index.docker.io", "docker.io", registry] : [registry]
        let auths = json["auths"]?.objectValue ?? [:]
        guard
            let entry = auths.first(where: { key, _ in hosts.contains(Self.host(of: key)) || hosts.contains(key) })?
                .value
        else { return nil }
        if let username = entry["username"]?.stringValue, let password = entry["password"]?.stringValue {
            return RegistryCredentials(username: username, password: password)
        }
        guard let auth = entry["auth"]?.stringValue, let decoded = Data(base64Encoded: auth),
            let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else {
            throw ImageSettingProblem(
                setting: "pull-secret", message: "the entry for \(registry) has neither auth nor username/password")
        }
        return RegistryCredentials(
            username: String(text[..<colon]), password: String(text[text.index(after: colon)...]))
    }

    /// `host[:port]` of an `auths` key, which may be a URL.
    static func host(of key: String) -> String {
        var text = Substring(key)
        for scheme in ["https://", "http://"] where text.hasPrefix(scheme) { text = text.dropFirst(scheme.count) }
        return String(text.prefix { $0 != "/" })
    }
}

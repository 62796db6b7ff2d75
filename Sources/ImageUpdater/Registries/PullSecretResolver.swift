import Kube
import Registry

/// The registry credentials a `pull-secret` annotation (or a `registries.conf` `credentials`) names, read from
/// the cluster's Secrets or the controller's environment. What cannot be read is a problem naming the Secret,
/// key or variable, never an anonymous request in its place.
public struct PullSecretResolver: Sendable {
    let client: KubeClient
    let environment: [String: String]

    public init(client: KubeClient, environment: [String: String]) {
        self.client = client
        self.environment = environment
    }

    public func credentials(
        _ reference: PullSecretReference, registry: String
    ) async throws(ImageSettingProblem) -> RegistryCredentials? {
        switch reference {
        case .environment(let variable):
            guard let value = environment[variable] else {
                throw ImageSettingProblem(setting: "pull-secret", message: "the variable \(variable) is not set")
            }
            return try Self.userAndPassword(value, from: "the variable \(variable)")
        case .secret(let namespace, let name, let field):
            let secret = try await read(namespace, name)
            guard let value = secret.secretValue(field) else {
                throw ImageSettingProblem(
                    setting: "pull-secret", message: "Secret \(namespace)/\(name) has no key \(field)")
            }
            return try Self.userAndPassword(value, from: "Secret \(namespace)/\(name)#\(field)")
        case .pullSecret(let namespace, let name):
            let secret = try await read(namespace, name)
            guard let config = secret.secretValue(".dockerconfigjson") else {
                throw ImageSettingProblem(
                    setting: "pull-secret", message: "Secret \(namespace)/\(name) has no .dockerconfigjson")
            }
            return try DockerConfig.credentials(Array(config.utf8), registry: registry)
        }
    }

    func read(_ namespace: String, _ name: String) async throws(ImageSettingProblem) -> KubeObject {
        do { return try await client.get(.secrets, namespace: namespace, name: name) } catch {
            throw ImageSettingProblem(
                setting: "pull-secret",
                message: error.isNotFound
                    ? "Secret \(namespace)/\(name) not found" : "Secret \(namespace)/\(name) cannot be read: \(error)")
        }
    }

    /// `username:password` (the password may contain colons).
    static func userAndPassword(_ text: String, from source: String) throws(ImageSettingProblem) -> RegistryCredentials
    {
        let value = text.hasSuffix("\n") ? String(text.dropLast()) : text
        guard let colon = value.firstIndex(of: ":"), colon != value.startIndex else {
            throw ImageSettingProblem(setting: "pull-secret", message: "\(source) does not hold username:password")
        }
        return RegistryCredentials(
            username: String(value[..<colon]), password: String(value[value.index(after: colon)...]))
    }
}

import Foundation
import Git
import Kube

/// Git credentials from Secrets labelled `argocd.argoproj.io/secret-type: repository` (exact URL) or
/// `repo-creds` (URL prefix, longest wins), in the namespace Capstan's Applications live in, as Argo CD
/// reads them: `url`, `username`, `password`, `sshPrivateKey`, `insecure`. SSH host keys come from the
/// `ssh_known_hosts` entry of the ConfigMap `argocd-ssh-known-hosts-cm` in the same namespace; a Secret with
/// `insecure: "true"` accepts any host key, as in Argo CD.
public actor RepositoryCredentials {
    /// Argo CD's ConfigMap of trusted SSH host keys.
    public static let knownHostsConfigMap = "argocd-ssh-known-hosts-cm"

    private let client: KubeClient?
    private let namespace: String
    private var cached: (at: ContinuousClock.Instant, secrets: [KubeObject], knownHosts: String)?

    public init(client: KubeClient?, namespace: String) {
        self.client = client
        self.namespace = namespace
    }

    /// The credentials for `url`; `.none` when no Secret matches. Secrets that cannot be read are an error
    /// saying so, not a silent anonymous fetch that then fails with a misleading authentication error.
    public func credentials(for url: String) async throws(ComparisonFailure) -> GitCredentials {
        let (secrets, knownHosts) = try await load()
        guard let secret = Self.matching(url, in: secrets) else { return .none }
        let data = { (key: String) in Self.data(secret, key) }
        if let key = data("sshPrivateKey") {
            let insecure = data("insecure")?.lowercased() == "true"
            return .sshKey(
                username: data("username") ?? "git", privateKey: key, passphrase: nil,
                hostKeys: insecure ? .acceptAny : .knownHosts(knownHosts))
        }
        if let password = data("password") {
            return .basic(username: data("username") ?? "", password: password)
        }
        return .none
    }

    /// The SSH host keys Capstan trusts (`ssh_known_hosts` of `argocd-ssh-known-hosts-cm`).
    public func knownHosts() async throws(ComparisonFailure) -> String { try await load().knownHosts }

    /// How to reach a chart repository (`type: helm` Secrets): credentials and Argo CD's flags.
    func chartAccess(for url: String) async throws(ComparisonFailure) -> ChartRepository.Access {
        let (secrets, _) = try await load()
        guard let secret = Self.matching(url, in: secrets) else { return ChartRepository.Access() }
        let flag = { (key: String) in Self.data(secret, key)?.lowercased() == "true" }
        return ChartRepository.Access(
            username: Self.data(secret, "username"), password: Self.data(secret, "password"),
            enableOCI: flag("enableOCI"), plainHTTP: flag("insecureOCIForceHttp"), insecure: flag("insecure"))
    }

    static func data(_ secret: KubeObject, _ key: String) -> String? { secret.secretValue(key) }

    /// The `repository` Secret for the URL, else the longest matching `repo-creds` prefix.
    static func matching(_ url: String, in secrets: [KubeObject]) -> KubeObject? {
        let data = Self.data
        let wanted = RepositoryURL.normalized(url)
        let exact = secrets.first {
            $0.labels["argocd.argoproj.io/secret-type"] == "repository"
                && data($0, "url").map(RepositoryURL.normalized) == wanted
        }
        let prefix = secrets.filter { secret in
            secret.labels["argocd.argoproj.io/secret-type"] == "repo-creds"
                && data(secret, "url").map { wanted.hasPrefix(RepositoryURL.normalizedPrefix($0)) } == true
        }.max { (data($0, "url") ?? "").count < (data($1, "url") ?? "").count }
        return exact ?? prefix
    }

    private func load() async throws(ComparisonFailure) -> (secrets: [KubeObject], knownHosts: String) {
        if let cached, ContinuousClock.now - cached.at < .seconds(5) { return (cached.secrets, cached.knownHosts) }
        guard let client else { return ([], "") }
        let secrets: [KubeObject]
        let knownHosts: String
        do {
            secrets = try await client.listAll(
                .secrets, namespace: namespace,
                labelSelector: "argocd.argoproj.io/secret-type in (repository,repo-creds)"
            ).items
        } catch {
            throw .comparison("cannot read repository credentials in namespace \(namespace): \(error.message)")
        }
        do {
            let configMap = try await client.get(.configMaps, namespace: namespace, name: Self.knownHostsConfigMap)
            knownHosts = configMap.json[path: ["data", "ssh_known_hosts"]]?.stringValue ?? ""
        } catch  where error.isNotFound {
            knownHosts = ""
        } catch {
            throw .comparison("cannot read \(Self.knownHostsConfigMap) in namespace \(namespace): \(error.message)")
        }
        cached = (ContinuousClock.now, secrets, knownHosts)
        return (secrets, knownHosts)
    }
}

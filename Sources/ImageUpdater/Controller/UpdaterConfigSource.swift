import Git
import Kube
import Logging

/// What the ConfigMap `argocd-image-updater-config` sets, in Argo CD Image Updater's keys: `registries.conf`,
/// `git.commit-message-template`, and the commit author (`git.user`, `git.email`).
public struct UpdaterSettings: Sendable {
    public var registries = RegistriesConf()
    public var commitMessageTemplate: String?
    public var author: GitAuthor?

    public init() {}

    /// Reads the ConfigMap's data; a problem names the key that cannot be used.
    init(_ data: JSON?) throws(ImageSettingProblem) {
        if let text = data?["registries.conf"]?.stringValue { registries = try RegistriesConf(text) }
        if let template = data?["git.commit-message-template"]?.stringValue, !template.isEmpty {
            do { _ = try GoTemplate(template) } catch {
                throw ImageSettingProblem(setting: "git.commit-message-template", message: error.message)
            }
            commitMessageTemplate = template
        }
        let user = data?["git.user"]?.stringValue
        let email = data?["git.email"]?.stringValue
        if user != nil || email != nil {
            author = GitAuthor(name: user ?? "argocd-image-updater", email: email ?? "noreply@argoproj.io")
        }
    }
}

/// The ConfigMap `argocd-image-updater-config` in the controller's namespace, read again at most every few
/// seconds, so a change applies without a restart. A ConfigMap that cannot be used is reported and the last
/// good settings stay in force; a missing one means the defaults.
public actor UpdaterConfigSource {
    public static let configMapName = "argocd-image-updater-config"
    let client: KubeClient
    let namespace: String
    let maximumAge: Duration
    var cached: (at: ContinuousClock.Instant, resourceVersion: String?, settings: UpdaterSettings)?
    var lastGood = UpdaterSettings()

    public init(client: KubeClient, namespace: String, maximumAge: Duration = .seconds(5)) {
        self.client = client
        self.namespace = namespace
        self.maximumAge = maximumAge
    }

    /// The settings in force, and the problem with the ConfigMap when it cannot be used.
    public func current() async -> (settings: UpdaterSettings, problem: ImageSettingProblem?) {
        if let cached, ContinuousClock.now - cached.at < maximumAge { return (cached.settings, nil) }
        let configMap: KubeObject?
        do {
            configMap = try await client.getIfExists(.configMaps, namespace: namespace, name: Self.configMapName)
        } catch {
            return (
                lastGood,
                ImageSettingProblem(
                    setting: Self.configMapName,
                    message: "cannot read ConfigMap \(namespace)/\(Self.configMapName): \(error.message)")
            )
        }
        if let cached, configMap != nil, configMap?.resourceVersion == cached.resourceVersion {
            self.cached = (ContinuousClock.now, cached.resourceVersion, cached.settings)
            return (cached.settings, nil)
        }
        do {
            lastGood = try UpdaterSettings(configMap?.json["data"])
            cached = (ContinuousClock.now, configMap?.resourceVersion, lastGood)
            return (lastGood, nil)
        } catch {
            return (
                lastGood,
                ImageSettingProblem(
                    setting: error.setting,
                    message: "in ConfigMap \(namespace)/\(Self.configMapName): \(error.message); "
                        + "the last valid settings stay in use")
            )
        }
    }
}

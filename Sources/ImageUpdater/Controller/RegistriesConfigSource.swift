import Kube
import Logging

/// `registries.conf` from the ConfigMap `argocd-image-updater-config` in the controller's namespace, read
/// again at most every few seconds, so a change applies without a restart. A file that cannot be parsed is
/// reported and the last good one stays in use; a missing ConfigMap means no registry settings.
public actor RegistriesConfigSource {
    public static let configMapName = "argocd-image-updater-config"
    let client: KubeClient
    let namespace: String
    let maximumAge: Duration
    var cached: (at: ContinuousClock.Instant, resourceVersion: String?, conf: RegistriesConf)?
    var lastGood = RegistriesConf()

    public init(client: KubeClient, namespace: String, maximumAge: Duration = .seconds(5)) {
        self.client = client
        self.namespace = namespace
        self.maximumAge = maximumAge
    }

    /// The settings in force, and the problem with the ConfigMap when it cannot be used.
    public func current() async -> (conf: RegistriesConf, problem: ImageSettingProblem?) {
        if let cached, ContinuousClock.now - cached.at < maximumAge { return (cached.conf, nil) }
        let configMap: KubeObject?
        do {
            configMap = try await client.getIfExists(.configMaps, namespace: namespace, name: Self.configMapName)
        } catch {
            return (
                lastGood,
                ImageSettingProblem(
                    setting: "registries.conf",
                    message: "cannot read ConfigMap \(namespace)/\(Self.configMapName): \(error.message)")
            )
        }
        if let cached, configMap?.resourceVersion == cached.resourceVersion, configMap != nil {
            self.cached = (ContinuousClock.now, cached.resourceVersion, cached.conf)
            return (cached.conf, nil)
        }
        guard let text = configMap?.json[path: ["data", "registries.conf"]]?.stringValue else {
            lastGood = RegistriesConf()
            cached = (ContinuousClock.now, configMap?.resourceVersion, lastGood)
            return (lastGood, nil)
        }
        do {
            lastGood = try RegistriesConf(text)
            cached = (ContinuousClock.now, configMap?.resourceVersion, lastGood)
            return (lastGood, nil)
        } catch {
            return (
                lastGood,
                ImageSettingProblem(
                    setting: "registries.conf",
                    message: "in ConfigMap \(namespace)/\(Self.configMapName): \(error.description); "
                        + "the last valid settings stay in use")
            )
        }
    }
}

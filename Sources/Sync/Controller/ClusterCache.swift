import Kube
import Logging

/// Live state of one cluster for the reconciler: an informer per resource type any Application uses,
/// started on first use, and an index from Application name to the objects whose tracking id names it.
/// Changes to tracked objects are reported to the controller, which is how drift triggers self-heal.
public actor ClusterCache {
    public let client: KubeClient
    private let logger: Logger
    private var informers: [GroupVersionResource: Informer] = [:]
    private var runners: [Task<Void, Never>] = []
    private var byApp: [String: [ResourceKey: KubeObject]] = [:]
    private var onChange: (@Sendable (String) async -> Void)?
    /// Field managers whose `managedFields` entries are kept; others are dropped to save memory.
    private var keptManagers: Set<String> = [SyncModule.fieldManager]

    public init(client: KubeClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Called with the Application name whenever one of its tracked objects changes.
    public func setChangeHandler(_ handler: @escaping @Sendable (String) async -> Void) {
        onChange = handler
    }

    /// The informer for a resource type, started and synced.
    public func informer(for gvr: GroupVersionResource) async -> Informer {
        if let existing = informers[gvr] {
            await existing.waitForSync()
            return existing
        }
        let kept = keptManagers
        let informer = Informer(client: client, gvr: gvr, logger: logger) { object in
            Self.trimmingManagedFields(object, keeping: kept)
        }
        informers[gvr] = informer
        await informer.addHandler { [weak self] event in await self?.handle(event) }
        runners.append(Task { try? await informer.run() })  // run() retries failures itself; it ends on cancellation
        await informer.waitForSync()
        return informer
    }

    /// Makes sure the resource types are watched (so their tracked objects are indexed).
    public func watch(_ gvrs: some Sequence<GroupVersionResource>) async {
        for gvr in gvrs { _ = await informer(for: gvr) }
    }

    /// The live object for a desired one, from the cache (nil when absent or its type is unknown).
    public func live(_ gvr: GroupVersionResource, namespace: String?, name: String) async -> KubeObject? {
        await informer(for: gvr).get(namespace.map { "\($0)/\(name)" } ?? name)
    }

    /// Objects whose tracking id names `app`.
    public func tracked(by app: String) -> [ResourceKey: KubeObject] {
        byApp[app] ?? [:]
    }

    public var watchedTypes: Int { informers.count }

    /// Keeps the `managedFields` of these managers too (an Application's `ignoreDifferences` names them).
    /// Objects cached without them are dropped and listed again.
    public func keep(managers: Set<String>) {
        guard !managers.isSubset(of: keptManagers) else { return }
        keptManagers.formUnion(managers)
        stop()
        informers = [:]
        byApp = [:]
    }

    static func trimmingManagedFields(_ object: KubeObject, keeping managers: Set<String>) -> KubeObject {
        let entries = object.managedFields
        guard !entries.isEmpty else { return object }
        let kept = entries.filter { managers.contains($0["manager"]?.stringValue ?? "") }
        guard kept.count != entries.count else { return object }
        var trimmed = object
        trimmed.json[path: ["metadata", "managedFields"]] = kept.isEmpty ? nil : .array(kept)
        return trimmed
    }

    func handle(_ event: InformerEvent) async {
        var apps: Set<String> = []
        if case .updated(let old, _) = event, let previous = TrackingID.owner(of: old) {
            byApp[previous]?[ResourceKey(old)] = nil
            apps.insert(previous)
        }
        let object = event.object
        if let app = TrackingID.owner(of: object) {
            if case .deleted = event {
                byApp[app]?[ResourceKey(object)] = nil
            } else {
                byApp[app, default: [:]][ResourceKey(object)] = object
            }
            apps.insert(app)
        }
        guard let onChange else { return }
        for app in apps { await onChange(app) }
    }

    public func stop() {
        for runner in runners { runner.cancel() }
        runners = []
    }
}

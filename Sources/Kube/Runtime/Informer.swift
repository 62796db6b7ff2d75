import Logging
import ServiceLifecycle

/// A change seen by an informer: the object after it (and before it, for updates).
public enum InformerEvent: Sendable {
    case added(KubeObject)
    case updated(old: KubeObject, new: KubeObject)
    case deleted(KubeObject)

    public var object: KubeObject {
        switch self {
        case .added(let o), .deleted(let o): return o
        case .updated(_, let o): return o
        }
    }
}

/// A list+watch cache of one resource, with namespace, label and controller-owner indexes and event handlers.
/// It lists, then watches from the list's resourceVersion; when the watch ends it resumes from the last
/// version seen; when the server says that version is gone (410) it lists again and reports the difference.
public actor Informer: Service {
    public let gvr: GroupVersionResource
    let client: KubeClient
    let namespace: String?
    let labelSelector: String?
    let resyncInterval: Duration?
    /// Applied to every object before it is cached (to drop what the consumer never reads, as client-go's
    /// SetTransform does).
    let transform: (@Sendable (KubeObject) -> KubeObject)?
    let logger: Logger
    var store: [String: KubeObject] = [:]
    var byNamespace: [String: Set<String>] = [:]
    var byLabel: [String: Set<String>] = [:]
    /// Keys by the uid of their controlling owner (the `controller: true` owner reference).
    var byController: [String: Set<String>] = [:]
    var handlers: [@Sendable (InformerEvent) async -> Void] = []
    var lastResourceVersion: String?
    var syncWaiters: [CheckedContinuation<Void, Never>] = []
    public private(set) var hasSynced = false
    /// How many times the informer had to list (1 + relists after 410 Gone).
    public private(set) var listCount = 0

    public init(
        client: KubeClient, gvr: GroupVersionResource, namespace: String? = nil, labelSelector: String? = nil,
        resyncInterval: Duration? = nil, logger: Logger,
        transform: (@Sendable (KubeObject) -> KubeObject)? = nil
    ) {
        self.transform = transform
        self.client = client
        self.gvr = gvr
        self.namespace = namespace
        self.labelSelector = labelSelector
        self.resyncInterval = resyncInterval
        self.logger = logger
    }

    /// Registers a handler; it first receives `added` for every object already cached.
    public func addHandler(_ handler: @escaping @Sendable (InformerEvent) async -> Void) async {
        handlers.append(handler)
        for object in store.values { await handler(.added(object)) }
    }

    public func get(_ key: String) -> KubeObject? { store[key] }

    /// Cached objects, optionally only one namespace's and those matching a selector.
    public func list(namespace: String? = nil, selector: LabelSelector? = nil) -> [KubeObject] {
        var keys: any Sequence<String> = namespace.map { byNamespace[$0] ?? [] } ?? Set(store.keys)
        if let selector, case .equals(let k, let v)? = selector.requirements.first {
            let labelled = byLabel["\(k)=\(v)"] ?? []
            keys = Set(keys).intersection(labelled)
        }
        return keys.compactMap { store[$0] }.filter { selector?.matches($0.labels) ?? true }
    }

    /// Cached objects whose controlling owner has `uid` (what a controller asks for its ReplicaSets or runs on
    /// every reconcile; an index, so the cost does not grow with the namespace).
    public func list(controlledBy uid: String) -> [KubeObject] {
        (byController[uid] ?? []).compactMap { store[$0] }
    }

    public var count: Int { store.count }

    /// A transform that drops `metadata.managedFields`, for controllers that never read them (often a third of
    /// an object's size; client-go controllers drop them the same way).
    public static let withoutManagedFields: @Sendable (KubeObject) -> KubeObject = { object in
        var trimmed = object
        trimmed.managedFields = []
        return trimmed
    }

    /// Waits until the first list has been loaded.
    public func waitForSync() async {
        if hasSynced { return }
        await withCheckedContinuation { syncWaiters.append($0) }
    }

    public func run() async throws {
        var resync = resyncInterval.map { ContinuousClock.now + $0 }
        var failureDelay: Duration = .milliseconds(100)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                if lastResourceVersion == nil { try await relist() }
                let stream = try await client.watch(
                    gvr, namespace: namespace, resourceVersion: lastResourceVersion,
                    labelSelector: labelSelector, timeoutSeconds: 300)
                failureDelay = .milliseconds(100)
                for try await event in stream.cancelOnGracefulShutdown() {
                    await apply(event)
                    if let deadline = resync, ContinuousClock.now >= deadline {
                        await resyncAll()
                        resync = resyncInterval.map { ContinuousClock.now + $0 }
                    }
                }
            } catch let error as KubeError where error.isGone {
                logger.debug("watch expired, relisting", metadata: ["resource": "\(gvr)"])
                lastResourceVersion = nil
            } catch is CancellationError {
                return
            } catch {
                logger.warning("watch failed", metadata: ["resource": "\(gvr)", "error": "\(error)"])
                try? await Task.sleep(for: failureDelay)
                failureDelay = min(failureDelay * 2, .seconds(10))
            }
        }
    }

    func relist() async throws(KubeError) {
        let list = try await client.listAll(gvr, namespace: namespace, labelSelector: labelSelector)
        listCount += 1
        var seen = Set<String>()
        for object in list.items {
            seen.insert(object.key)
            await upsert(object)
        }
        for (key, object) in store where !seen.contains(key) {
            remove(key)
            await notify(.deleted(object))
        }
        lastResourceVersion = list.resourceVersion
        if !hasSynced {
            hasSynced = true
            for waiter in syncWaiters { waiter.resume() }
            syncWaiters = []
        }
    }

    /// Feeds one event into the cache as if it came from the watch (benchmarks, and tests of handlers).
    public func ingest(_ event: WatchEvent) async { await apply(event) }

    func apply(_ event: WatchEvent) async {
        if let rv = event.object.resourceVersion { lastResourceVersion = rv }
        switch event.type {
        case .added, .modified: await upsert(event.object)
        case .deleted:
            if let old = store[event.object.key] {
                remove(old.key)
                await notify(.deleted(event.object))
            }
        case .bookmark, .error: break
        }
    }

    func upsert(_ incoming: KubeObject) async {
        let object = transform?(incoming) ?? incoming
        let key = object.key
        let old = store[key]
        if let old, old.resourceVersion == object.resourceVersion { return }
        if let old { unindex(old) }
        store[key] = object
        byNamespace[object.namespace ?? "", default: []].insert(key)
        for (k, v) in object.labels { byLabel["\(k)=\(v)", default: []].insert(key) }
        if let owner = Self.controllerUID(object) { byController[owner, default: []].insert(key) }
        await notify(old.map { .updated(old: $0, new: object) } ?? .added(object))
    }

    func remove(_ key: String) {
        guard let old = store.removeValue(forKey: key) else { return }
        unindex(old)
    }

    func unindex(_ object: KubeObject) {
        byNamespace[object.namespace ?? ""]?.remove(object.key)
        for (k, v) in object.labels { byLabel["\(k)=\(v)"]?.remove(object.key) }
        if let owner = Self.controllerUID(object) {
            byController[owner]?.remove(object.key)
            if byController[owner]?.isEmpty == true { byController[owner] = nil }
        }
    }

    static func controllerUID(_ object: KubeObject) -> String? {
        object.ownerReferences.first { $0.controller }?.uid
    }

    func resyncAll() async {
        for object in store.values { await notify(.updated(old: object, new: object)) }
    }

    func notify(_ event: InformerEvent) async {
        for handler in handlers { await handler(event) }
    }
}

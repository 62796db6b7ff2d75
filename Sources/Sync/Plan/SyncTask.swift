import Kube

/// One step of a sync: apply a desired object, run a hook, or prune a live one.
public struct SyncTask: Sendable {
    public enum Action: String, Sendable {
        case apply, hook, prune
    }

    public var action: Action
    public var key: ResourceKey
    public var phase: SyncPhase
    public var wave: Int
    /// The object to write (apply and hook); nil for prune.
    public var desired: KubeObject?
    public var live: KubeObject?
    public var annotations: SyncAnnotations
    /// Effective options: the resource's annotation over the Application's.
    public var options: SyncOptions

    /// Argo CD's order within a phase and wave: kind order, then name.
    static func ordered(_ a: SyncTask, _ b: SyncTask) -> Bool {
        let ra = KindOrder.rank(of: a.key.kind), rb = KindOrder.rank(of: b.key.kind)
        return ra != rb ? ra < rb : a.key < b.key
    }
}

/// The outcome of one task, as `status.operationState.syncResult.resources[]` records it.
public struct SyncTaskResult: Sendable, Equatable {
    public enum Status: String, Sendable {
        case synced = "Synced", syncFailed = "SyncFailed", pruned = "Pruned", pruneSkipped = "PruneSkipped"
    }

    public var key: ResourceKey
    public var version: String
    public var status: Status
    public var message: String
    public var phase: SyncPhase
    public var hookType: SyncPhase?
    /// For hooks: Succeeded, Failed or Running.
    public var hookPhase: String?

    var json: JSON {
        var entry: [String: JSON] = [
            "group": .string(key.group), "version": .string(version), "kind": .string(key.kind),
            "namespace": .string(key.namespace), "name": .string(key.name), "status": .string(status.rawValue),
            "message": .string(message), "syncPhase": .string(phase.rawValue),
        ]
        if let hookType { entry["hookType"] = .string(hookType.rawValue) }
        if let hookPhase { entry["hookPhase"] = .string(hookPhase) }
        return .object(entry)
    }
}

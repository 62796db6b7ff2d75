import Foundation

/// A ReplicaSet as the planner sees it.
public struct ReplicaSetState: Sendable, Equatable {
    public var name: String
    public var hash: String
    public var replicas: Int
    public var available: Int
    /// The `rollout.argoproj.io/revision` it was created (or last reused) at.
    public var revision: Int
    /// The pods it has now (`status.replicas`), ready or not.
    public var current: Int

    public init(
        name: String, hash: String, replicas: Int, available: Int, revision: Int = 0, current: Int? = nil
    ) {
        self.name = name
        self.hash = hash
        self.replicas = replicas
        self.available = available
        self.revision = revision
        self.current = current ?? replicas
    }
}

/// Old ReplicaSets beyond `revisionHistoryLimit`: the oldest revisions among those scaled to zero.
public enum RevisionHistory {
    public static let annotation = "rollout.argoproj.io/revision"

    public static func excess(_ old: [ReplicaSetState], limit: Int) -> [String] {
        let idle = old.filter { $0.replicas == 0 && $0.available == 0 }.sorted { $0.revision > $1.revision }
        return idle.dropFirst(max(limit, 0)).map(\.name)
    }
}

import Kube

/// What `capstan rollout list` and `get` show of a Rollout and its ReplicaSets, computed from their status
/// the way Argo Rollouts' plugin presents it: step n/N, the weight set by the steps and the weight the
/// replica counts give, images by role, ReplicaSets with their role.
public struct RolloutSummary: Sendable {
    public var name: String
    public var namespace: String
    public var phase: String
    public var message: String
    public var strategy: String
    /// `1/8`, or `-` without steps.
    public var step: String
    public var setWeight: Int?
    public var actualWeight: Int?
    public var desired: Int
    public var updated: Int
    public var available: Int
    /// Each ReplicaSet: name, role (stable, canary or old), revision, available, desired, image.
    public var replicaSets:
        [(name: String, role: String, revision: String, available: Int, desired: Int, image: String)]

    public init(_ rollout: KubeObject, replicaSets: [KubeObject]) {
        let spec = RolloutSpec(rollout.spec ?? [:])
        let status = rollout.status ?? [:]
        let state = RolloutStatus(status)
        name = rollout.name
        namespace = rollout.namespace ?? ""
        phase = status["phase"]?.stringValue ?? "Unknown"
        message = status["message"]?.stringValue ?? ""
        desired = spec.replicas
        updated = Int(status["updatedReplicas"]?.intValue ?? 0)
        available = Int(status["availableReplicas"]?.intValue ?? 0)
        let owned = replicaSets.filter { rs in rs.ownerReferences.contains { $0.uid == rollout.uid } }
        self.replicaSets = owned.map { rs in
            let hash = rs.labels[PodTemplateHash.label] ?? ""
            let role =
                hash == state.stableRS ? "stable" : hash == state.currentPodHash ? "canary" : "old"
            return (
                rs.name, role, rs.annotations[RevisionHistory.annotation] ?? "",
                Int(rs.status?["availableReplicas"]?.intValue ?? 0), Int(rs.spec?["replicas"]?.intValue ?? 0),
                rs.spec?[path: ["template", "spec", "containers"]]?[0]?["image"]?.stringValue ?? ""
            )
        }.sorted { (Int($0.revision) ?? 0) > (Int($1.revision) ?? 0) }
        switch spec.strategy {
        case .canary(let canary):
            strategy = "Canary"
            let index = state.currentStepIndex ?? canary.steps.count
            step = canary.steps.isEmpty ? "-" : "\(min(index, canary.steps.count))/\(canary.steps.count)"
            let updating = state.currentPodHash != state.stableRS
            setWeight =
                updating ? CanaryWeights.setWeight(steps: canary.steps, index: index, aborted: state.abort) : 100
            let canaryAvailable = self.replicaSets.filter { $0.role == "canary" }.reduce(0) { $0 + $1.available }
            let total = self.replicaSets.reduce(0) { $0 + $1.available }
            actualWeight = updating ? (total == 0 ? 0 : canaryAvailable * 100 / total) : 100
        case .blueGreen:
            strategy = "BlueGreen"
            step = "-"
        case nil:
            strategy = "-"
            step = "-"
        }
    }
}

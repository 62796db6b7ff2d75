import Kube

/// SMI: a `split.smi-spec.io/v1alpha3` TrafficSplit (named `trafficSplitName`, the Rollout's name by default)
/// for `rootService` (the stable Service by default) with the canary and stable Services as weighted backends.
struct SMIRouter: TrafficRouter {
    let name = "smi"
    let settings: JSON
    static let gvr = GroupVersionResource(group: "split.smi-spec.io", version: "v1alpha3", resource: "trafficsplits")

    func setWeight(_ weight: Int, _ route: TrafficRoute, client: KubeClient) async throws(KubeError) {
        let split = KubeObject([
            "apiVersion": "split.smi-spec.io/v1alpha3", "kind": "TrafficSplit",
            "metadata": [
                "name": .string(settings["trafficSplitName"]?.stringValue ?? route.rollout.name),
                "namespace": .string(route.namespace ?? ""), "ownerReferences": [route.owner],
            ],
            "spec": [
                "service": .string(settings["rootService"]?.stringValue ?? route.stableService),
                "backends": [
                    ["service": .string(route.canaryService), "weight": .int(Int64(weight))],
                    ["service": .string(route.stableService), "weight": .int(Int64(100 - weight))],
                ],
            ],
        ])
        _ = try await client.apply(split, fieldManager: route.manager, force: true)
    }
}

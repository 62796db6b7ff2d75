import Kube

/// NGINX Ingress: a copy of the stable Ingress, named `<rollout>-<stableIngress>-canary`, that sends its
/// paths to the canary Service and carries `nginx.ingress.kubernetes.io/canary: "true"` and `canary-weight`
/// (the prefix follows `annotationPrefix`).
struct NginxRouter: TrafficRouter {
    let name = "nginx"
    let settings: JSON
    static let ingresses = GroupVersionResource(group: "networking.k8s.io", version: "v1", resource: "ingresses")

    func setWeight(_ weight: Int, _ route: TrafficRoute, client: KubeClient) async throws(KubeError) {
        guard let stableName = settings["stableIngress"]?.stringValue else {
            throw KubeError(code: 422, reason: .invalid, message: "trafficRouting.nginx.stableIngress is required")
        }
        let prefix = settings["annotationPrefix"]?.stringValue ?? "nginx.ingress.kubernetes.io"
        let stable = try await client.get(Self.ingresses, namespace: route.namespace, name: stableName)
        var spec = stable.spec ?? [:]
        spec = Self.retarget(spec, from: route.stableService, to: route.canaryService)
        var annotations: [String: JSON] = (settings["additionalIngressAnnotations"]?.objectValue ?? [:]).mapValues {
            .string($0.stringValue ?? $0.serialized())
        }.reduce(into: [:]) { $0["\(prefix)/\($1.key)"] = $1.value }
        annotations["\(prefix)/canary"] = "true"
        annotations["\(prefix)/canary-weight"] = .string(String(weight))
        let canary = KubeObject([
            "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": [
                "name": .string("\(route.rollout.name)-\(stableName)-canary"),
                "namespace": .string(route.namespace ?? ""),
                "annotations": .object(annotations), "ownerReferences": [route.owner],
            ],
            "spec": spec,
        ])
        _ = try await client.apply(canary, fieldManager: route.manager, force: true)
    }

    /// The Ingress spec with every backend naming `from` renamed to `to`.
    static func retarget(_ json: JSON, from: String, to: String) -> JSON {
        switch json {
        case .object(var members):
            if members["name"]?.stringValue == from, members["port"] != nil { members["name"] = .string(to) }
            return .object(members.mapValues { retarget($0, from: from, to: to) })
        case .array(let items): return .array(items.map { retarget($0, from: from, to: to) })
        default: return json
        }
    }
}

import Kube

/// Gateway API (Argo's `argoproj-labs/gatewayAPI` plugin): in the HTTPRoute `httpRoute` (or each of
/// `httpRoutes`), every rule's backendRefs to the canary and stable Services get their weights.
struct GatewayAPIRouter: TrafficRouter {
    let name = "gatewayAPI"
    let settings: JSON
    static let gvr = GroupVersionResource(group: "gateway.networking.k8s.io", version: "v1", resource: "httproutes")

    func setWeight(_ weight: Int, _ route: TrafficRoute, client: KubeClient) async throws(KubeError) {
        let names =
            (settings["httpRoutes"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
            + [settings["httpRoute"]?.stringValue].compactMap { $0 }
        for name in names {
            let httpRoute = try await client.get(
                Self.gvr, namespace: settings["namespace"]?.stringValue ?? route.namespace, name: name)
            let rules = (httpRoute.spec?["rules"]?.arrayValue ?? []).map { rule -> JSON in
                var rule = rule
                rule["backendRefs"] = .array(
                    (rule["backendRefs"]?.arrayValue ?? []).map { ref in
                        var ref = ref
                        if ref["name"]?.stringValue == route.canaryService { ref["weight"] = .int(Int64(weight)) }
                        if ref["name"]?.stringValue == route.stableService { ref["weight"] = .int(Int64(100 - weight)) }
                        return ref
                    })
                return rule
            }
            guard rules != httpRoute.spec?["rules"]?.arrayValue ?? [] else { continue }
            _ = try await client.patch(
                Self.gvr, namespace: httpRoute.namespace, name: name, type: .merge,
                patch: [
                    "metadata": ["resourceVersion": .string(httpRoute.resourceVersion ?? "")],
                    "spec": ["rules": .array(rules)],
                ], fieldManager: route.manager)
        }
    }
}

import Kube

/// Istio: in the VirtualService `virtualService.name` (or each of `virtualServices`), the HTTP routes named in
/// `routes` (every HTTP route when there is one and none is named) get the canary Service's destination at
/// the canary weight and the stable Service's at the rest. The VirtualService is the user's; only weights
/// change.
struct IstioRouter: TrafficRouter {
    let name = "istio"
    let settings: JSON
    static let gvr = GroupVersionResource(group: "networking.istio.io", version: "v1beta1", resource: "virtualservices")

    func setWeight(_ weight: Int, _ route: TrafficRoute, client: KubeClient) async throws(KubeError) {
        let services = (settings["virtualServices"]?.arrayValue ?? []) + [settings["virtualService"]].compactMap { $0 }
        for reference in services {
            guard let name = reference["name"]?.stringValue else { continue }
            let named = Set((reference["routes"]?.arrayValue ?? []).compactMap(\.stringValue))
            let service = try await client.get(Self.gvr, namespace: route.namespace, name: name)
            var http = service.spec?["http"]?.arrayValue ?? []
            for index in http.indices where named.isEmpty || named.contains(http[index]["name"]?.stringValue ?? "") {
                let destinations = (http[index]["route"]?.arrayValue ?? []).map { destination -> JSON in
                    var destination = destination
                    let host = destination["destination"]?["host"]?.stringValue ?? ""
                    if Self.matches(host, route.canaryService) { destination["weight"] = .int(Int64(weight)) }
                    if Self.matches(host, route.stableService) { destination["weight"] = .int(Int64(100 - weight)) }
                    return destination
                }
                http[index]["route"] = .array(destinations)
            }
            guard http != service.spec?["http"]?.arrayValue ?? [] else { continue }
            _ = try await client.patch(
                Self.gvr, namespace: route.namespace, name: name, type: .merge,
                patch: [
                    "metadata": ["resourceVersion": .string(service.resourceVersion ?? "")],
                    "spec": ["http": .array(http)],
                ], fieldManager: route.manager)
        }
    }

    /// `web` matches `web`, `web.ns` and `web.ns.svc.cluster.local`.
    static func matches(_ host: String, _ service: String) -> Bool {
        host == service || host.hasPrefix(service + ".")
    }
}

import Kube

/// A traffic router: what carries a canary's weight when replica counts do not. The controller tells each
/// router of a Rollout the weight the canary should get; the router writes it into the objects the mesh or
/// ingress controller reads. The embedded cluster has no data plane, so the objects are the whole effect
/// (as in Argo Rollouts' own end-to-end tests).
protocol TrafficRouter: Sendable {
    /// The key under `trafficRouting` (or the plugin's name) this router handles.
    var name: String { get }
    /// Sends `weight` percent of the traffic to the canary Service and the rest to the stable Service.
    func setWeight(_ weight: Int, _ route: TrafficRoute, client: KubeClient) async throws(KubeError)
}

/// What every router needs to know about the Rollout it routes for.
struct TrafficRoute: Sendable {
    var rollout: KubeObject
    var canaryService: String
    var stableService: String
    var manager: String

    var namespace: String? { rollout.namespace }

    /// An owner reference to the Rollout, for objects a router creates.
    var owner: JSON {
        [
            "apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": .string(rollout.name),
            "uid": .string(rollout.uid ?? ""), "controller": true, "blockOwnerDeletion": true,
        ]
    }
}

/// The routers a `trafficRouting` block names: `nginx`, `smi`, `istio`, and the Gateway API plugin
/// (`plugins: {argoproj-labs/gatewayAPI: {httpRoute: ...}}`); several may be combined, as in Argo.
enum TrafficRouters {
    static let supported: Set<String> = ["nginx", "smi", "istio", "plugins"]
    static let gatewayPlugin = "argoproj-labs/gatewayAPI"

    static func routers(_ routing: JSON?) -> [any TrafficRouter] {
        guard let routing, routing != .null else { return [] }
        var routers: [any TrafficRouter] = []
        if let nginx = routing["nginx"] { routers.append(NginxRouter(settings: nginx)) }
        if let smi = routing["smi"] { routers.append(SMIRouter(settings: smi)) }
        if let istio = routing["istio"] { routers.append(IstioRouter(settings: istio)) }
        if let gateway = routing["plugins"]?[gatewayPlugin] { routers.append(GatewayAPIRouter(settings: gateway)) }
        return routers
    }

    /// Problems with a `trafficRouting` block: routers Capstan does not have, plugins other than the Gateway
    /// API one, and the Services a router needs.
    static func problems(_ routing: JSON?, canary: CanaryStrategy) -> [SpecProblem] {
        guard let routing = routing?.objectValue else { return [] }
        var problems: [SpecProblem] = []
        let field = "spec.strategy.canary.trafficRouting"
        for key in routing.keys.sorted() where !supported.contains(key) {
            problems.append(SpecProblem(field: "\(field).\(key)", message: "is not supported by Capstan yet"))
        }
        for plugin in (routing["plugins"]?.objectValue ?? [:]).keys.sorted() where plugin != gatewayPlugin {
            problems.append(
                SpecProblem(field: "\(field).plugins.\(plugin)", message: "is not supported by Capstan yet"))
        }
        if canary.canaryService == nil || canary.stableService == nil {
            problems.append(SpecProblem(field: field, message: "needs canaryService and stableService"))
        }
        return problems
    }
}

import Kube

/// Where the simulated traffic goes: a Service's own requests by default, or, when traffic objects route it,
/// split by their weights: an SMI TrafficSplit divides its root Service's requests among its backends; an
/// NGINX canary Ingress (`nginx.ingress.kubernetes.io/canary-weight`) takes its share of the requests for the
/// Service behind the Ingress it copies; an Istio VirtualService's HTTP routes and a Gateway API HTTPRoute's
/// rules divide their own requests (`capstan.io/simulated-rps` on the object, 10 by default) among their
/// destinations. A Service that a traffic object routes to gets no requests of its own.
struct TrafficFlow: Equatable {
    var namespace: String
    /// Requests per second entering the flow.
    var rate: Double
    /// Services and their weights (any scale; shares are weight / total).
    var backends: [(service: String, weight: Double)]

    static func == (lhs: TrafficFlow, rhs: TrafficFlow) -> Bool {
        lhs.namespace == rhs.namespace && lhs.rate == rhs.rate
            && lhs.backends.map(\.service) == rhs.backends.map(\.service)
            && lhs.backends.map(\.weight) == rhs.backends.map(\.weight)
    }

    static let trafficSplits = GroupVersionResource(
        group: "split.smi-spec.io", version: "v1alpha3", resource: "trafficsplits")
    static let virtualServices = GroupVersionResource(
        group: "networking.istio.io", version: "v1beta1", resource: "virtualservices")
    static let httpRoutes = GroupVersionResource(
        group: "gateway.networking.k8s.io", version: "v1", resource: "httproutes")
    static let ingresses = GroupVersionResource(group: "networking.k8s.io", version: "v1", resource: "ingresses")

    static func rate(_ object: KubeObject) -> Double {
        object.annotations[TrafficSimulator.rateAnnotation].flatMap(Double.init) ?? TrafficSimulator.defaultRate
    }

    /// The flows for `services`, given the traffic objects that exist.
    static func flows(
        services: [KubeObject], splits: [KubeObject], virtualServices: [KubeObject], httpRoutes: [KubeObject],
        ingresses: [KubeObject]
    ) -> [TrafficFlow] {
        var flows: [TrafficFlow] = []
        var routed: Set<String> = []
        func key(_ namespace: String?, _ service: String) -> String { "\(namespace ?? "")/\(service)" }
        let byKey = Dictionary(services.map { (key($0.namespace, $0.name), $0) }, uniquingKeysWith: { a, _ in a })
        for split in splits {
            guard let root = split.spec?["service"]?.stringValue else { continue }
            let backends = (split.spec?["backends"]?.arrayValue ?? []).compactMap { b -> (String, Double)? in
                guard let name = b["service"]?.stringValue else { return nil }
                return (name, b["weight"]?.doubleValue ?? 0)
            }
            let rate = byKey[key(split.namespace, root)].map(Self.rate) ?? TrafficSimulator.defaultRate
            flows.append(TrafficFlow(namespace: split.namespace ?? "", rate: rate, backends: backends))
            routed.insert(key(split.namespace, root))
            for backend in backends { routed.insert(key(split.namespace, backend.0)) }
        }
        for canary in ingresses where canary.annotations["nginx.ingress.kubernetes.io/canary"] == "true" {
            let weight = Double(canary.annotations["nginx.ingress.kubernetes.io/canary-weight"] ?? "0") ?? 0
            guard let canaryService = Self.firstBackend(canary.spec),
                let stable = ingresses.first(where: {
                    $0.namespace == canary.namespace && $0.name != canary.name
                        && $0.annotations["nginx.ingress.kubernetes.io/canary"] != "true"
                        && Self.firstBackend($0.spec) != nil && canary.name.hasSuffix("-\($0.name)-canary")
                }), let stableService = Self.firstBackend(stable.spec)
            else { continue }
            let rate = byKey[key(canary.namespace, stableService)].map(Self.rate) ?? TrafficSimulator.defaultRate
            flows.append(
                TrafficFlow(
                    namespace: canary.namespace ?? "", rate: rate,
                    backends: [(stableService, 100 - weight), (canaryService, weight)]))
            routed.formUnion([key(canary.namespace, stableService), key(canary.namespace, canaryService)])
        }
        for object in virtualServices + httpRoutes {
            let destinations =
                (object.spec?["http"]?.arrayValue ?? []).flatMap { $0["route"]?.arrayValue ?? [] }.compactMap {
                    d -> (String, Double)? in
                    guard let host = d["destination"]?["host"]?.stringValue else { return nil }
                    return (String(host.prefix { $0 != "." }), d["weight"]?.doubleValue ?? 100)
                }
                + (object.spec?["rules"]?.arrayValue ?? []).flatMap { $0["backendRefs"]?.arrayValue ?? [] }.compactMap {
                    ref -> (String, Double)? in
                    guard let name = ref["name"]?.stringValue else { return nil }
                    return (name, ref["weight"]?.doubleValue ?? 1)
                }
            guard !destinations.isEmpty else { continue }
            flows.append(TrafficFlow(namespace: object.namespace ?? "", rate: rate(object), backends: destinations))
            for destination in destinations { routed.insert(key(object.namespace, destination.0)) }
        }
        for service in services where !routed.contains(key(service.namespace, service.name)) {
            guard let selector = service.spec?["selector"]?.objectValue, !selector.isEmpty else { continue }
            flows.append(
                TrafficFlow(namespace: service.namespace ?? "", rate: rate(service), backends: [(service.name, 1)]))
        }
        return flows
    }

    /// The Service of an Ingress's first backend.
    static func firstBackend(_ spec: JSON?) -> String? {
        for rule in spec?["rules"]?.arrayValue ?? [] {
            for path in rule["http"]?["paths"]?.arrayValue ?? [] {
                if let name = path["backend"]?["service"]?["name"]?.stringValue { return name }
            }
        }
        return spec?["defaultBackend"]?["service"]?["name"]?.stringValue
    }
}

import Kube

/// What kube-apiserver allocates for a Service, so typed clients and diffs see what a cluster returns: a
/// cluster IP from the service range 10.96.0.0/12 (10.96.0.1 is the `kubernetes` Service's), `clusterIPs`,
/// `ipFamilies: [IPv4]`, `ipFamilyPolicy: SingleStack`, `internalTrafficPolicy: Cluster`, and node ports
/// from 30000-32767 for NodePort and LoadBalancer Services. An update keeps what was allocated; a cluster IP
/// may not change once set (the real server's rule).
enum ServiceAddresses {
    static let nodePorts: ClosedRange<Int64> = 30000...32767

    static func allocate(
        _ service: inout KubeObject, previous: KubeObject?, takenIPs: Set<String>, takenNodePorts: Set<Int64>
    ) throws(KubeError) {
        var spec = service.spec?.objectValue ?? [:]
        let type = spec["type"]?.stringValue ?? "ClusterIP"
        if type == "ExternalName" {
            service.json["spec"] = .object(spec)
            return
        }
        let old = previous?.spec
        var ip = spec["clusterIP"]?.stringValue ?? ""
        if ip.isEmpty { ip = old?["clusterIP"]?.stringValue ?? "" }
        if let oldIP = old?["clusterIP"]?.stringValue, !oldIP.isEmpty, oldIP != ip {
            throw invalid(service, "spec.clusterIPs[0]: Invalid value: []string{\"\(ip)\"}: may not change once set")
        }
        if ip.isEmpty {
            guard let free = freeIP(excluding: takenIPs) else {
                throw invalid(service, "spec.clusterIPs: Internal error: failed to allocate a serviceIP: range is full")
            }
            ip = free
        } else if ip != "None", previous == nil, takenIPs.contains(ip) {
            throw invalid(
                service,
                "spec.clusterIPs: Invalid value: []string{\"\(ip)\"}: failed to allocate IP \(ip): provided IP is already allocated"
            )
        }
        spec["clusterIP"] = .string(ip)
        spec["clusterIPs"] = spec["clusterIPs"] ?? [.string(ip)]
        spec["ipFamilies"] = spec["ipFamilies"] ?? old?["ipFamilies"] ?? ["IPv4"]
        spec["ipFamilyPolicy"] = spec["ipFamilyPolicy"] ?? old?["ipFamilyPolicy"] ?? "SingleStack"
        spec["internalTrafficPolicy"] = spec["internalTrafficPolicy"] ?? "Cluster"
        if type == "NodePort" || type == "LoadBalancer" {
            spec["externalTrafficPolicy"] = spec["externalTrafficPolicy"] ?? "Cluster"
            if type == "LoadBalancer" {
                spec["allocateLoadBalancerNodePorts"] = spec["allocateLoadBalancerNodePorts"] ?? true
            }
            var taken = takenNodePorts
            var ports = spec["ports"]?.arrayValue ?? []
            for i in ports.indices where ports[i]["nodePort"] == nil {
                let kept = old?["ports"]?.arrayValue?.first { $0["port"] == ports[i]["port"] }?["nodePort"]?.intValue
                guard let port = kept ?? nodePorts.first(where: { !taken.contains($0) }) else {
                    throw invalid(service, "spec.ports[\(i)].nodePort: Internal error: range is full")
                }
                taken.insert(port)
                ports[i]["nodePort"] = .int(port)
            }
            spec["ports"] = .array(ports)
        }
        service.json["spec"] = .object(spec)
    }

    /// The lowest free address from 10.96.0.10 on (the first ten are left for cluster services).
    static func freeIP(excluding taken: Set<String>) -> String? {
        for n in 10..<(1 << 20) {
            let ip = "10.\(96 + (n >> 16)).\((n >> 8) & 0xff).\(n & 0xff)"
            if !taken.contains(ip) { return ip }
        }
        return nil
    }

    static func invalid(_ service: KubeObject, _ detail: String) -> KubeError {
        KubeError(code: 422, reason: .invalid, message: "Service \"\(service.name)\" is invalid: \(detail)")
    }
}

extension ClusterStore {
    /// Allocates a Service's addresses against those the stored Services hold.
    func allocateServiceAddresses(_ service: inout KubeObject, previous: KubeObject?) throws(KubeError) {
        var ips = Set<String>()
        var ports = Set<Int64>()
        for (key, stored) in objects["services"] ?? [:]
        where key.name != service.name || key.namespace != service.namespace {
            let spec = stored.object.spec
            for ip in spec?["clusterIPs"]?.arrayValue ?? [] { if let text = ip.stringValue { ips.insert(text) } }
            for port in spec?["ports"]?.arrayValue ?? [] { if let n = port["nodePort"]?.intValue { ports.insert(n) } }
        }
        try ServiceAddresses.allocate(&service, previous: previous, takenIPs: ips, takenNodePorts: ports)
    }
}

import Kube

/// The resources the server knows: the built-in kinds plus those CustomResourceDefinitions add at run time.
struct ResourceCatalog: Sendable {
    private(set) var byGVR: [GroupVersionResource: ResourceType] = [:]
    private(set) var groupOrder: [String] = []
    /// CRD name → the resource types it registered (one per served version).
    private var fromCRD: [String: [GroupVersionResource]] = [:]
    /// Counts changes, so what is derived from the catalog (the OpenAPI documents) can be cached per state.
    private(set) var revision = 0

    init() {
        for type in ResourceType.builtins { add(type) }
    }

    mutating func add(_ type: ResourceType) {
        revision += 1
        byGVR[type.gvr] = type
        if !groupOrder.contains(type.gvr.group) { groupOrder.append(type.gvr.group) }
    }

    func type(_ gvr: GroupVersionResource) -> ResourceType? { byGVR[gvr] }

    func type(group: String, kind: String) -> ResourceType? {
        byGVR.values.first { $0.gvr.group == group && $0.kind == kind }
    }

    /// Versions served per group, in registration order of groups.
    var groups: [(group: String, versions: [String])] {
        groupOrder.map { group in
            (group, Array(Set(byGVR.keys.filter { $0.group == group }.map(\.version))).sorted(by: Self.versionOrder))
        }
    }

    func resources(in gv: GroupVersion) -> [ResourceType] {
        byGVR.values.filter { $0.gvr.groupVersion == gv }.sorted { $0.gvr.resource < $1.gvr.resource }
    }

    /// Kubernetes orders versions v1 > v1beta2 > v1beta1 > v1alpha1; the first is the preferred one.
    static func versionOrder(_ a: String, _ b: String) -> Bool {
        func rank(_ v: String) -> (Int, Int, Int) {
            let digits = v.dropFirst().prefix { $0.isNumber }
            let major = Int(digits) ?? 0
            let rest = v.dropFirst(1 + digits.count)
            let stability = rest.hasPrefix("beta") ? 1 : rest.hasPrefix("alpha") ? 0 : 2
            let minor = Int(rest.drop { !$0.isNumber }) ?? 0
            return (stability, major, minor)
        }
        let (ra, rb) = (rank(a), rank(b))
        return ra.0 != rb.0 ? ra.0 > rb.0 : ra.1 != rb.1 ? ra.1 > rb.1 : ra.2 > rb.2
    }

    /// Registers (or re-registers) the resources a CRD defines; returns an error text for an invalid CRD.
    mutating func register(crd: KubeObject) -> String? {
        guard let spec = crd.spec, let group = spec["group"]?.stringValue,
            let names = spec["names"], let plural = names["plural"]?.stringValue,
            let kind = names["kind"]?.stringValue
        else {
            return "spec.group, spec.names.plural and spec.names.kind are required"
        }
        guard crd.name == "\(plural).\(group)" else {
            return "metadata.name must be spec.names.plural + \".\" + spec.group (\(plural).\(group))"
        }
        if let problem = Self.groupProblem(group, plural: plural, annotations: crd.annotations) { return problem }
        unregister(crdName: crd.name)
        let namespaced = spec["scope"]?.stringValue != "Cluster"
        var registered: [GroupVersionResource] = []
        for version in spec["versions"]?.arrayValue ?? [] {
            guard let name = version["name"]?.stringValue, version["served"]?.boolValue ?? true else { continue }
            var type = ResourceType(
                group, name, plural, kind: kind, namespaced: namespaced,
                shortNames: names["shortNames"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                status: version["subresources"]?["status"] != nil,
                scale: version["subresources"]?["scale"] != nil,
                categories: names["categories"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            type.singular = names["singular"]?.stringValue ?? kind.lowercased()
            type.printerColumns = version["additionalPrinterColumns"]?.arrayValue
            type.schema = version["schema"]?["openAPIV3Schema"]
            if let scale = version["subresources"]?["scale"] {
                type.scaleSpecPath = Self.jsonPath(scale["specReplicasPath"]?.stringValue) ?? ["spec", "replicas"]
                type.scaleStatusPath =
                    Self.jsonPath(scale["statusReplicasPath"]?.stringValue) ?? ["status", "replicas"]
                type.scaleSelectorPath = Self.jsonPath(scale["labelSelectorPath"]?.stringValue)
            }
            add(type)
            registered.append(type.gvr)
        }
        guard !registered.isEmpty else { return "spec.versions must name at least one served version" }
        fromCRD[crd.name] = registered
        return nil
    }

    /// kube-apiserver's rules for a CRD's group: a domain with a dot, protected Kubernetes groups only with
    /// the approval annotation, and (Capstan's own guard) never a built-in resource, which a CRD may not
    /// shadow nor, by its deletion, remove.
    static func groupProblem(_ group: String, plural: String, annotations: [String: String]) -> String? {
        guard group.contains(".") else {
            return "spec.group: Invalid value: \"\(group)\": should be a domain with at least one dot"
        }
        if ResourceType.builtins.contains(where: { $0.gvr.group == group && $0.gvr.resource == plural }) {
            return "spec.names.plural: Invalid value: \"\(plural)\": \(plural).\(group) is a built-in resource"
        }
        let protected =
            group == "k8s.io" || group.hasSuffix(".k8s.io") || group == "kubernetes.io"
            || group.hasSuffix(".kubernetes.io")
        if protected && annotations["api-approved.kubernetes.io"] == nil {
            return "metadata.annotations[api-approved.kubernetes.io]: Required value: protected groups must have "
                + "approval annotation \"api-approved.kubernetes.io\""
        }
        return nil
    }

    mutating func unregister(crdName: String) {
        revision += 1
        for gvr in fromCRD[crdName] ?? [] { byGVR[gvr] = nil }
        fromCRD[crdName] = nil
    }

    /// `.spec.replicas` → `["spec", "replicas"]`.
    static func jsonPath(_ text: String?) -> [String]? {
        guard let text, text.hasPrefix(".") else { return nil }
        return text.dropFirst().split(separator: ".").map(String.init)
    }
}

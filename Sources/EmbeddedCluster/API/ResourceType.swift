import Foundation
import Kube

/// A resource the embedded server serves: its names, scope and subresources.
public struct ResourceType: Sendable, Hashable {
    public var gvr: GroupVersionResource
    public var kind: String
    public var singular: String
    public var namespaced: Bool
    public var shortNames: [String]
    public var hasStatus: Bool
    public var hasScale: Bool
    /// Where the scale subresource reads and writes replicas (`spec.replicas` / `status.replicas`).
    public var scaleSpecPath: [String] = ["spec", "replicas"]
    public var scaleStatusPath: [String] = ["status", "replicas"]
    public var scaleSelectorPath: [String]? = ["status", "selector"]
    public var categories: [String] = []
    /// A custom resource version's `additionalPrinterColumns` (nil: Name and Age, or the built-in columns).
    public var printerColumns: [JSON]?
    /// A custom resource version's `openAPIV3Schema` (nil for built-in kinds, whose schemas are in
    /// `BuiltinSchemas`, and for a CRD version without one, whose objects are kept as written).
    public var schema: JSON?
    /// A review answered at once and never stored (access reviews): only `create`.
    public var createOnly = false
    /// Subresources beyond status and scale, with their verbs (`serviceaccounts/token`: create).
    public var extraSubresources: [String: [String]] = [:]

    public init(
        _ group: String, _ version: String, _ resource: String, kind: String, namespaced: Bool = true,
        shortNames: [String] = [], status: Bool = false, scale: Bool = false, categories: [String] = []
    ) {
        gvr = GroupVersionResource(group: group, version: version, resource: resource)
        self.kind = kind
        singular = kind.lowercased()
        self.namespaced = namespaced
        self.shortNames = shortNames
        hasStatus = status
        hasScale = scale
        self.categories = categories
    }

    /// Identity of a resource independent of version: objects are stored once per group and resource.
    public var storageKey: String { gvr.group.isEmpty ? gvr.resource : "\(gvr.resource).\(gvr.group)" }
    public var apiVersion: String { gvr.groupVersion.description }
    public var listKind: String { kind + "List" }

    /// The OpenAPI v3 schema that declares this resource's fields, if any.
    var declaredSchema: JSON? {
        if let schema { return schema }
        return BuiltinSchemas.shared.name(group: gvr.group, version: gvr.version, kind: kind).map(
            BuiltinSchemas.reference)
    }

    /// Built-in kinds whose objects carry `metadata.generation` (kube-apiserver sets it only where a
    /// controller reports `observedGeneration`); every custom resource carries it.
    static let generationTracking: Set<String> = [
        "deployments.apps", "replicasets.apps", "statefulsets.apps", "daemonsets.apps", "jobs.batch",
        "cronjobs.batch", "replicationcontrollers", "ingresses.networking.k8s.io",
        "networkpolicies.networking.k8s.io", "ingressclasses.networking.k8s.io", "poddisruptionbudgets.policy",
        "horizontalpodautoscalers.autoscaling", "customresourcedefinitions.apiextensions.k8s.io",
        "endpointslices.discovery.k8s.io", "flowschemas.flowcontrol.apiserver.k8s.io",
        "prioritylevelconfigurations.flowcontrol.apiserver.k8s.io",
        "mutatingwebhookconfigurations.admissionregistration.k8s.io",
        "validatingwebhookconfigurations.admissionregistration.k8s.io",
        "validatingadmissionpolicies.admissionregistration.k8s.io",
        "validatingadmissionpolicybindings.admissionregistration.k8s.io",
    ]

    /// True when objects of this resource carry `metadata.generation`.
    var tracksGeneration: Bool {
        Self.generationTracking.contains(storageKey) || !Self.builtinStorageKeys.contains(storageKey)
    }

    static let builtinStorageKeys = Set(builtins.map(\.storageKey))

    /// Spec-like fields that bump `metadata.generation` when they change: everything but metadata and status.
    func specChanged(_ old: JSON, _ new: JSON) -> Bool {
        guard case .object(var o) = old, case .object(var n) = new else { return old != new }
        for key in ["metadata", "status", "apiVersion", "kind"] {
            o[key] = nil
            n[key] = nil
        }
        return o != n
    }

    /// An opaque hash of the stored version, which clients compare to notice a storage migration: eight bytes
    /// of FNV-1a over `group/version/kind`, base64, the shape kube-apiserver's hash has.
    var storageVersionHash: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "\(gvr.group)/\(gvr.version)/\(kind)".utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return Data(withUnsafeBytes(of: hash.bigEndian) { Array($0) }).base64EncodedString()
    }

    /// The discovery entry (`APIResource`) for this resource and its subresources.
    var discoveryEntries: [JSON] {
        let verbs: [JSON] =
            createOnly
            ? ["create"] : ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
        var main: [String: JSON] = [
            "name": .string(gvr.resource), "singularName": .string(singular), "namespaced": .bool(namespaced),
            "kind": .string(kind), "verbs": .array(verbs),
        ]
        if !shortNames.isEmpty { main["shortNames"] = .array(shortNames.map(JSON.string)) }
        if !categories.isEmpty { main["categories"] = .array(categories.map(JSON.string)) }
        if !createOnly { main["storageVersionHash"] = .string(storageVersionHash) }
        var entries: [JSON] = [.object(main)]
        if hasStatus {
            entries.append([
                "name": .string(gvr.resource + "/status"), "singularName": "", "namespaced": .bool(namespaced),
                "kind": .string(kind), "verbs": ["get", "patch", "update"],
            ])
        }
        for (name, subVerbs) in extraSubresources.sorted(by: { $0.key < $1.key }) {
            entries.append([
                "name": .string(gvr.resource + "/" + name), "singularName": "", "namespaced": .bool(namespaced),
                "kind": .string(name == "token" ? "TokenRequest" : kind), "verbs": .array(subVerbs.map(JSON.string)),
            ])
        }
        if hasScale {
            entries.append([
                "name": .string(gvr.resource + "/scale"), "singularName": "", "namespaced": .bool(namespaced),
                "group": "autoscaling", "version": "v1", "kind": "Scale", "verbs": ["get", "patch", "update"],
            ])
        }
        return entries
    }
}

extension ResourceType {
    /// The kinds every cluster has, which Capstan and kubectl touch.
    static let builtins: [ResourceType] =
        [
            ResourceType(
                "", "v1", "namespaces", kind: "Namespace", namespaced: false, shortNames: ["ns"], status: true),
            ResourceType("", "v1", "pods", kind: "Pod", shortNames: ["po"], status: true, categories: ["all"]),
            ResourceType("", "v1", "services", kind: "Service", shortNames: ["svc"], status: true, categories: ["all"]),
            ResourceType("", "v1", "endpoints", kind: "Endpoints", shortNames: ["ep"]),
            ResourceType("", "v1", "configmaps", kind: "ConfigMap", shortNames: ["cm"]),
            ResourceType("", "v1", "secrets", kind: "Secret"),
            ResourceType("", "v1", "events", kind: "Event", shortNames: ["ev"]),
            serviceAccounts,
            ResourceType("", "v1", "nodes", kind: "Node", namespaced: false, shortNames: ["no"], status: true),
            ResourceType(
                "", "v1", "persistentvolumeclaims", kind: "PersistentVolumeClaim", shortNames: ["pvc"], status: true),
            ResourceType(
                "apps", "v1", "deployments", kind: "Deployment", shortNames: ["deploy"], status: true, scale: true,
                categories: ["all"]),
            ResourceType(
                "apps", "v1", "replicasets", kind: "ReplicaSet", shortNames: ["rs"], status: true, scale: true,
                categories: ["all"]),
            ResourceType(
                "apps", "v1", "statefulsets", kind: "StatefulSet", shortNames: ["sts"], status: true, scale: true,
                categories: ["all"]),
            ResourceType(
                "apps", "v1", "daemonsets", kind: "DaemonSet", shortNames: ["ds"], status: true, categories: ["all"]),
            ResourceType("apps", "v1", "controllerrevisions", kind: "ControllerRevision"),
            ResourceType("batch", "v1", "jobs", kind: "Job", status: true, categories: ["all"]),
            ResourceType(
                "batch", "v1", "cronjobs", kind: "CronJob", shortNames: ["cj"], status: true, categories: ["all"]),
            ResourceType("networking.k8s.io", "v1", "ingresses", kind: "Ingress", shortNames: ["ing"], status: true),
            ResourceType("coordination.k8s.io", "v1", "leases", kind: "Lease"),
            ResourceType(
                "autoscaling", "v2", "horizontalpodautoscalers", kind: "HorizontalPodAutoscaler",
                shortNames: ["hpa"], status: true),
            ResourceType("rbac.authorization.k8s.io", "v1", "roles", kind: "Role"),
            ResourceType("rbac.authorization.k8s.io", "v1", "rolebindings", kind: "RoleBinding"),
            ResourceType("rbac.authorization.k8s.io", "v1", "clusterroles", kind: "ClusterRole", namespaced: false),
            ResourceType(
                "rbac.authorization.k8s.io", "v1", "clusterrolebindings", kind: "ClusterRoleBinding",
                namespaced: false),
            ResourceType("events.k8s.io", "v1", "events", kind: "Event", shortNames: ["ev"]),
            ResourceType(
                "apiextensions.k8s.io", "v1", "customresourcedefinitions", kind: "CustomResourceDefinition",
                namespaced: false, shortNames: ["crd", "crds"], status: true),
        ] + storedOnly + reviews

    static var serviceAccounts: ResourceType {
        var type = ResourceType("", "v1", "serviceaccounts", kind: "ServiceAccount", shortNames: ["sa"])
        type.extraSubresources = ["token": ["create"]]
        return type
    }

    /// Access and identity reviews: answered at once, never stored (`AccessReviews`).
    static var reviews: [ResourceType] {
        [
            ("authorization.k8s.io", "selfsubjectaccessreviews", "SelfSubjectAccessReview"),
            ("authorization.k8s.io", "selfsubjectrulesreviews", "SelfSubjectRulesReview"),
            ("authentication.k8s.io", "selfsubjectreviews", "SelfSubjectReview"),
        ].map { group, resource, kind in
            var type = ResourceType(group, "v1", resource, kind: kind, namespaced: false)
            type.createOnly = true
            return type
        }
    }

    /// Kinds of Kubernetes 1.32 that manifests hold and the server stores and validates like any other, though
    /// nothing acts on them here: no quota is enforced, no webhook is called, no volume is provisioned.
    static let storedOnly: [ResourceType] = [
        ResourceType("", "v1", "limitranges", kind: "LimitRange", shortNames: ["limits"]),
        ResourceType("", "v1", "resourcequotas", kind: "ResourceQuota", shortNames: ["quota"], status: true),
        ResourceType(
            "", "v1", "persistentvolumes", kind: "PersistentVolume", namespaced: false, shortNames: ["pv"],
            status: true),
        ResourceType("", "v1", "podtemplates", kind: "PodTemplate"),
        ResourceType(
            "", "v1", "replicationcontrollers", kind: "ReplicationController", shortNames: ["rc"], status: true,
            scale: true, categories: ["all"]),
        ResourceType(
            "policy", "v1", "poddisruptionbudgets", kind: "PodDisruptionBudget", shortNames: ["pdb"], status: true),
        ResourceType("networking.k8s.io", "v1", "networkpolicies", kind: "NetworkPolicy", shortNames: ["netpol"]),
        ResourceType("networking.k8s.io", "v1", "ingressclasses", kind: "IngressClass", namespaced: false),
        ResourceType("discovery.k8s.io", "v1", "endpointslices", kind: "EndpointSlice"),
        ResourceType(
            "scheduling.k8s.io", "v1", "priorityclasses", kind: "PriorityClass", namespaced: false, shortNames: ["pc"]),
        ResourceType(
            "storage.k8s.io", "v1", "storageclasses", kind: "StorageClass", namespaced: false, shortNames: ["sc"]),
        ResourceType("storage.k8s.io", "v1", "csidrivers", kind: "CSIDriver", namespaced: false),
        ResourceType("storage.k8s.io", "v1", "csinodes", kind: "CSINode", namespaced: false),
        ResourceType("storage.k8s.io", "v1", "csistoragecapacities", kind: "CSIStorageCapacity"),
        ResourceType(
            "storage.k8s.io", "v1", "volumeattachments", kind: "VolumeAttachment", namespaced: false, status: true),
        ResourceType(
            "admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations",
            kind: "MutatingWebhookConfiguration", namespaced: false),
        ResourceType(
            "admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations",
            kind: "ValidatingWebhookConfiguration", namespaced: false),
        ResourceType(
            "admissionregistration.k8s.io", "v1", "validatingadmissionpolicies", kind: "ValidatingAdmissionPolicy",
            namespaced: false, status: true),
        ResourceType(
            "admissionregistration.k8s.io", "v1", "validatingadmissionpolicybindings",
            kind: "ValidatingAdmissionPolicyBinding", namespaced: false),
        ResourceType(
            "certificates.k8s.io", "v1", "certificatesigningrequests", kind: "CertificateSigningRequest",
            namespaced: false, shortNames: ["csr"], status: true),
        ResourceType("node.k8s.io", "v1", "runtimeclasses", kind: "RuntimeClass", namespaced: false),
        ResourceType(
            "flowcontrol.apiserver.k8s.io", "v1", "flowschemas", kind: "FlowSchema", namespaced: false, status: true),
        ResourceType(
            "flowcontrol.apiserver.k8s.io", "v1", "prioritylevelconfigurations", kind: "PriorityLevelConfiguration",
            namespaced: false, status: true),
        ResourceType(
            "apiregistration.k8s.io", "v1", "apiservices", kind: "APIService", namespaced: false, status: true),
    ]
}

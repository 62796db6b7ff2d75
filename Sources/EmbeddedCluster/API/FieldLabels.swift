import Kube

/// The fields kube-apiserver lets a field selector name, per resource: `metadata.name` and
/// `metadata.namespace` everywhere, plus a few per built-in kind. Any other field is a 400, as there.
enum FieldLabels {
    static let common: Set<String> = ["metadata.name", "metadata.namespace"]
    static let byResource: [String: Set<String>] = [
        "pods": [
            "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
            "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName",
        ],
        "events": [
            "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
            "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
            "reason", "reportingComponent", "source", "type",
        ],
        "events.events.k8s.io": [
            "regarding.kind", "regarding.namespace", "regarding.name", "regarding.uid",
            "reason", "reportingController", "type",
        ],
        "secrets": ["type"],
        "namespaces": ["status.phase"],
        "nodes": ["spec.unschedulable"],
        "replicasets.apps": ["status.replicas"],
        "jobs.batch": ["status.successful"],
        "certificatesigningrequests.certificates.k8s.io": ["spec.signerName"],
    ]

    static func check(_ selector: FieldSelector, resource storageKey: String) throws(KubeError) {
        let allowed = byResource[storageKey] ?? []
        for requirement in selector.requirements
        where !common.contains(requirement.path) && !allowed.contains(requirement.path) {
            throw KubeError(
                code: 400, reason: .badRequest,
                message: "field label not supported: \(requirement.path.prefix(128))")
        }
    }
}

import Kube

extension ClusterStore {
    /// Checks the body against the URL (kind, apiVersion, namespace) and fills what the URL implies.
    func admit(_ input: KubeObject, type: ResourceType, namespace: String?) throws(KubeError) -> KubeObject {
        guard input.json.objectValue != nil else {
            throw KubeError(code: 400, reason: .badRequest, message: "the body must be a JSON object")
        }
        var object = input
        if !object.kind.isEmpty && object.kind != type.kind {
            throw KubeError(
                code: 400, reason: .badRequest,
                message: "the kind in the data (\(object.kind)) does not match the expected kind (\(type.kind))")
        }
        if !object.apiVersion.isEmpty && GroupVersion(apiVersion: object.apiVersion).group != type.gvr.group {
            throw KubeError(
                code: 400, reason: .badRequest,
                message:
                    "the API version in the data (\(object.apiVersion)) does not match the expected API version (\(type.apiVersion))"
            )
        }
        object.apiVersion = type.apiVersion
        object.kind = type.kind
        if type.namespaced {
            if let bodyNamespace = object.namespace, let namespace, bodyNamespace != namespace {
                throw KubeError(
                    code: 400, reason: .badRequest,
                    message: "the namespace of the provided object does not match the namespace sent on the request")
            }
            guard let ns = namespace ?? object.namespace else {
                throw KubeError(
                    code: 400, reason: .badRequest, message: "a namespace is required for \(type.gvr.resource)")
            }
            object.namespace = ns
        } else {
            object.namespace = nil
        }
        return object
    }

    func validateName(_ name: String, type: ResourceType) throws(KubeError) {
        guard !name.isEmpty else {
            throw KubeError(
                code: 422, reason: .invalid,
                message: "\(type.kind) is invalid: metadata.name: Required value: name or generateName is required",
                details: [
                    "kind": .string(type.kind),
                    "causes": [
                        [
                            "field": "metadata.name", "reason": "FieldValueRequired",
                            "message": "Required value: name or generateName is required",
                        ]
                    ],
                ])
        }
        if let problem = NameValidation.problem(name: name, resource: type.storageKey) {
            throw KubeError(
                code: 422, reason: .invalid,
                message: "\(type.kind) \"\(name)\" is invalid: metadata.name: Invalid value: \"\(name)\": \(problem)",
                details: [
                    "name": .string(name), "kind": .string(type.kind),
                    "causes": [
                        [
                            "field": "metadata.name", "reason": "FieldValueInvalid",
                            "message": .string("Invalid value: \"\(name)\": \(problem)"),
                        ]
                    ],
                ])
        }
    }

    /// Objects can only be created in a namespace that exists and is not being deleted.
    func requireLiveNamespace(_ type: ResourceType, _ namespace: String) throws(KubeError) {
        guard type.namespaced else { return }
        guard let ns = objects["namespaces"]?[ObjectKey(resource: "namespaces", namespace: "", name: namespace)] else {
            throw KubeError(
                code: 404, reason: .notFound, message: "namespaces \"\(namespace)\" not found",
                details: ["name": .string(namespace), "kind": "namespaces"])
        }
        if ns.object.deletionTimestamp != nil {
            throw KubeError(
                code: 403, reason: .forbidden,
                message:
                    "\(type.gvr.resource) is forbidden: unable to create new content in namespace \(namespace) because it is being terminated"
            )
        }
    }

    /// Kind-specific validation; returns a problem description or nil.
    func validateObject(_ object: KubeObject, type: ResourceType) throws(KubeError) -> String? {
        try FieldTypes.check(object, type: type)
        switch type.storageKey {
        case "customresourcedefinitions.apiextensions.k8s.io":
            var scratch = catalog
            return scratch.register(crd: object).map { "spec: \($0)" }
        case "deployments.apps", "replicasets.apps", "statefulsets.apps", "daemonsets.apps":
            let selector: LabelSelector?
            do { selector = try LabelSelector(json: object.spec?["selector"]) } catch {
                return "spec.selector: Invalid value: \(error.message)"
            }
            guard let selector, !selector.isEmpty else { return "spec.selector: Required value" }
            let labels = KubeObject.stringMap(object.json[path: ["spec", "template", "metadata", "labels"]])
            if !selector.matches(labels) {
                return "spec.template.metadata.labels: Invalid value: `selector` does not match template `labels`"
            }
            if let replicas = object.spec?["replicas"], (replicas.intValue ?? -1) < 0 {
                return "spec.replicas: Invalid value: must be greater than or equal to 0"
            }
        case "configmaps", "secrets":
            return NameValidation.configKeyProblem(object)
        default: break
        }
        return nil
    }

    /// Follow-ups of a committed write: CRDs (un)register their resources; deletions in progress advance.
    func afterWrite(_ type: ResourceType, _ object: KubeObject) {
        if type.storageKey == "customresourcedefinitions.apiextensions.k8s.io" {
            _ = catalog.register(crd: object)
            var status = object.status ?? [:]
            if status["acceptedNames"] == nil {
                status["acceptedNames"] = object.spec?["names"] ?? [:]
                status["conditions"] = [
                    [
                        "type": "Established", "status": "True", "reason": "InitialNamesAccepted",
                        "lastTransitionTime": .string(KubeTime.now()),
                    ]
                ]
                var established = object
                established.status = status
                commitInBackground(key(type, nil, object.name), established, event: .modified)
            }
        }
        if object.deletionTimestamp != nil { advanceDeletion(type, object) }
    }
}

extension ClusterStore {
    /// Removes the fields the type's schema does not declare and reports them as `options.fieldValidation`
    /// asks: a warning each, or (Strict) a 400 naming them all, as kube-apiserver's strict decoder does. With
    /// `stored`, only what differs from it is checked (it was checked when written); unlike kube-apiserver, which
    /// prunes again on every read, a field that a CRD's later, narrower schema no longer declares stays until
    /// that part of the object is written.
    func dropUnknownFields(
        _ json: inout JSON, type: ResourceType, options: WriteOptions, stored: JSON? = nil
    ) throws(KubeError) {
        guard let schema = type.declaredSchema else { return }
        let (pruned, unknown) = UnknownFields(schemas: BuiltinSchemas.shared.schemas).prune(
            json, schema: schema, stored: stored)
        guard !unknown.isEmpty else { return }
        switch options.fieldValidation {
        case .ignore: break
        case .warn: for path in unknown { options.warnings.add("unknown field \"\(path)\"") }
        case .strict:
            let fields = unknown.map { "unknown field \"\($0)\"" }.joined(separator: ", ")
            throw KubeError(
                code: 400, reason: .badRequest,
                message: "\(type.kind) in version \"\(type.gvr.version)\" cannot be handled as a \(type.kind): "
                    + "strict decoding error: \(fields)")
        }
        json = pruned
    }
}

import Kube

extension ClusterStore {
    /// The `autoscaling/v1` Scale view of an object with a scale subresource.
    public func scale(_ gvr: GroupVersionResource, namespace: String?, name: String) throws(KubeError) -> KubeObject {
        let type = try resourceType(gvr)
        guard type.hasScale else {
            throw KubeError(code: 404, reason: .notFound, message: "\(type.gvr.resource) has no scale subresource")
        }
        let object = try Self.decode(try getBytes(gvr, namespace: namespace, name: name))
        return Self.scaleView(of: object, type: type)
    }

    static func scaleView(of object: KubeObject, type: ResourceType) -> KubeObject {
        var metadata: [String: JSON] = ["name": .string(object.name)]
        if let ns = object.namespace { metadata["namespace"] = .string(ns) }
        metadata["uid"] = object.uid.map(JSON.string)
        metadata["resourceVersion"] = object.resourceVersion.map(JSON.string)
        metadata["creationTimestamp"] = object.creationTimestamp.map(JSON.string)
        var status: [String: JSON] = ["replicas": object.json[path: type.scaleStatusPath] ?? 0]
        if let path = type.scaleSelectorPath, let selector = object.json[path: path] {
            status["selector"] = selector
        } else if let selector = try? LabelSelector(json: object.spec?["selector"]) {
            status["selector"] = .string(selector.description)
        }
        return KubeObject([
            "apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": .object(metadata),
            "spec": ["replicas": object.json[path: type.scaleSpecPath] ?? 0], "status": .object(status),
        ])
    }

    /// Writes a Scale (PUT) or a patch of one (PATCH) back to the object's replicas.
    public func updateScale(
        _ gvr: GroupVersionResource, namespace: String?, name: String, newScale: KubeObject?,
        patchType: PatchType?, patchBody: [UInt8]?, options: WriteOptions
    ) throws(KubeError)
        -> KubeObject
    {
        let type = try resourceType(gvr)
        var current = try scale(gvr, namespace: namespace, name: name)
        if let newScale {
            if let rv = newScale.resourceVersion, !rv.isEmpty, rv != current.resourceVersion {
                throw conflict(type, name)
            }
            current.spec = newScale.spec
        } else if let patchType, let patchBody {
            do {
                let patch = try JSON.parse(patchBody)
                switch patchType {
                case .json: current.json = try JSONPatch.apply(patch, to: current.json)
                default: current.json = MergePatch.apply(patch, to: current.json)
                }
            } catch {
                throw KubeError(code: 422, reason: .invalid, message: "the scale patch cannot be applied: \(error)")
            }
        }
        guard let replicas = current.spec?["replicas"]?.intValue, replicas >= 0 else {
            throw KubeError(
                code: 422, reason: .invalid,
                message: "Scale \"\(name)\" is invalid: spec.replicas must be a non-negative integer")
        }
        var object = try Self.decode(try getBytes(gvr, namespace: namespace, name: name))
        object.json[path: type.scaleSpecPath] = .int(replicas)
        let updated = try update(gvr, namespace: namespace, name: name, object: object, options: options)
        return Self.scaleView(of: updated, type: type)
    }
}

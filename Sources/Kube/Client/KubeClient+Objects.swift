import NIOHTTP1

/// How a delete cascades to dependents (`propagationPolicy`).
public enum PropagationPolicy: String, Sendable {
    case background = "Background"
    case foreground = "Foreground"
    case orphan = "Orphan"
}

/// One page of a list: the items, the list's resourceVersion and the token for the next page.
public struct ObjectList: Sendable {
    public var items: [KubeObject]
    public var resourceVersion: String
    public var continueToken: String?
}

extension KubeClient {
    /// `/api/v1/namespaces/NS/pods/NAME/status`, and the collection forms without a name.
    public static func path(
        _ gvr: GroupVersionResource, namespace: String?, name: String? = nil,
        subresource: String? = nil
    ) -> String {
        var path = gvr.groupVersion.pathPrefix
        if let namespace { path += "/namespaces/\(namespace)" }
        path += "/\(gvr.resource)"
        if let name { path += "/\(name)" }
        if let subresource { path += "/\(subresource)" }
        return path
    }

    /// The namespace a request for `gvr` should carry: `nil` for cluster-scoped resources.
    func scopedNamespace(_ gvr: GroupVersionResource, _ namespace: String?) async throws(KubeError) -> String? {
        let info = try await resource(for: gvr)
        return info.namespaced ? (namespace ?? config.namespace) : nil
    }

    public func get(
        _ gvr: GroupVersionResource, namespace: String? = nil, name: String
    ) async throws(KubeError)
        -> KubeObject
    {
        let ns = try await scopedNamespace(gvr, namespace)
        return KubeObject(
            try Self.decode(try await send(method: .GET, path: Self.path(gvr, namespace: ns, name: name))))
    }

    /// The object, or nil when the server says it does not exist (404). Any other failure is thrown, so an
    /// unreachable server is never taken for a missing object.
    public func getIfExists(
        _ gvr: GroupVersionResource, namespace: String? = nil, name: String
    ) async throws(KubeError) -> KubeObject? {
        do { return try await get(gvr, namespace: namespace, name: name) } catch  where error.isNotFound { return nil }
    }

    /// One page of a list. `namespace: nil` lists across all namespaces.
    public func list(
        _ gvr: GroupVersionResource, namespace: String? = nil, labelSelector: String? = nil,
        fieldSelector: String? = nil, limit: Int? = nil, continue token: String? = nil,
        resourceVersion: String? = nil
    ) async throws(KubeError) -> ObjectList {
        let info = try await resource(for: gvr)
        var query: [(String, String)] = []
        if let labelSelector { query.append(("labelSelector", labelSelector)) }
        if let fieldSelector { query.append(("fieldSelector", fieldSelector)) }
        if let limit { query.append(("limit", String(limit))) }
        if let token { query.append(("continue", token)) }
        if let resourceVersion { query.append(("resourceVersion", resourceVersion)) }
        let path = Self.path(gvr, namespace: info.namespaced ? namespace : nil)
        let list = try Self.decode(try await send(method: .GET, path: path, query: query))
        let token = list["metadata"]?["continue"]?.stringValue
        return ObjectList(
            items: (list["items"]?.arrayValue ?? []).map { Self.typed($0, as: info) },
            resourceVersion: list["metadata"]?["resourceVersion"]?.stringValue ?? "",
            continueToken: token?.isEmpty == false ? token : nil)
    }

    /// A list item as kube-apiserver sends it carries no `kind` or `apiVersion` (the list's kind names them);
    /// they are filled in here, so every object a caller holds says what it is.
    static func typed(_ item: JSON, as info: APIResourceInfo) -> KubeObject {
        var object = KubeObject(item)
        if object.kind.isEmpty { object.kind = info.kind }
        if object.apiVersion.isEmpty { object.apiVersion = info.gvr.groupVersion.description }
        return object
    }

    /// Every page of a list, followed to the end.
    public func listAll(
        _ gvr: GroupVersionResource, namespace: String? = nil, labelSelector: String? = nil,
        fieldSelector: String? = nil, pageSize: Int = 500
    ) async throws(KubeError) -> ObjectList {
        var page = try await list(
            gvr, namespace: namespace, labelSelector: labelSelector,
            fieldSelector: fieldSelector, limit: pageSize)
        var items = page.items
        while let token = page.continueToken {
            page = try await list(
                gvr, namespace: namespace, labelSelector: labelSelector,
                fieldSelector: fieldSelector, limit: pageSize, continue: token)
            items += page.items
        }
        return ObjectList(items: items, resourceVersion: page.resourceVersion, continueToken: nil)
    }

    public func create(
        _ object: KubeObject, fieldManager: String? = nil, dryRun: Bool = false
    ) async throws(KubeError)
        -> KubeObject
    {
        let info = try await resource(for: object.gvk)
        let ns = info.namespaced ? (object.namespace ?? config.namespace) : nil
        var query: [(String, String)] = []
        if let fieldManager { query.append(("fieldManager", fieldManager)) }
        if dryRun { query.append(("dryRun", "All")) }
        let body = try await send(
            method: .POST, path: Self.path(info.gvr, namespace: ns), query: query,
            body: object.json.serializedBytes())
        return KubeObject(try Self.decode(body))
    }

    /// Replaces the object (PUT); its `resourceVersion`, when set, must still be current.
    public func update(
        _ object: KubeObject, subresource: String? = nil, fieldManager: String? = nil
    )
        async throws(KubeError) -> KubeObject
    {
        let info = try await resource(for: object.gvk)
        let ns = info.namespaced ? (object.namespace ?? config.namespace) : nil
        var query: [(String, String)] = []
        if let fieldManager { query.append(("fieldManager", fieldManager)) }
        let body = try await send(
            method: .PUT,
            path: Self.path(
                info.gvr, namespace: ns, name: object.name,
                subresource: subresource),
            query: query, body: object.json.serializedBytes())
        return KubeObject(try Self.decode(body))
    }

    /// Writes `status` only, through the status subresource.
    public func updateStatus(_ object: KubeObject) async throws(KubeError) -> KubeObject {
        try await update(object, subresource: "status")
    }

    public func patch(
        _ gvr: GroupVersionResource, namespace: String? = nil, name: String, type: PatchType,
        patch: JSON, subresource: String? = nil, fieldManager: String? = nil, force: Bool = false
    )
        async throws(KubeError) -> KubeObject
    {
        let body = try await patchBytes(
            gvr, namespace: namespace, name: name, type: type, patch: patch, subresource: subresource,
            fieldManager: fieldManager, force: force)
        return KubeObject(try Self.decode(body))
    }

    /// `patch` for a caller that does not read the patched object (a controller writing status): the answer's
    /// status code is checked, its body is not decoded.
    public func patchWithoutResult(
        _ gvr: GroupVersionResource, namespace: String? = nil, name: String, type: PatchType,
        patch: JSON, subresource: String? = nil, fieldManager: String? = nil
    ) async throws(KubeError) {
        _ = try await patchBytes(
            gvr, namespace: namespace, name: name, type: type, patch: patch, subresource: subresource,
            fieldManager: fieldManager, force: false)
    }

    func patchBytes(
        _ gvr: GroupVersionResource, namespace: String?, name: String, type: PatchType,
        patch: JSON, subresource: String?, fieldManager: String?, force: Bool
    ) async throws(KubeError) -> [UInt8] {
        let ns = try await scopedNamespace(gvr, namespace)
        var query: [(String, String)] = []
        if let fieldManager { query.append(("fieldManager", fieldManager)) }
        if force { query.append(("force", "true")) }
        return try await send(
            method: .PATCH, path: Self.path(gvr, namespace: ns, name: name, subresource: subresource),
            query: query, body: patch.serializedBytes(), contentType: type.rawValue)
    }

    /// Server-side apply of a whole object under `fieldManager`; `force` takes over conflicting fields.
    public func apply(
        _ object: KubeObject, fieldManager: String, force: Bool = false, subresource: String? = nil
    )
        async throws(KubeError) -> KubeObject
    {
        let info = try await resource(for: object.gvk)
        return try await patch(
            info.gvr, namespace: info.namespaced ? (object.namespace ?? config.namespace) : nil,
            name: object.name, type: .apply, patch: object.json, subresource: subresource,
            fieldManager: fieldManager, force: force)
    }

    /// Deletes the object unless it is already gone (a 404 is success here; any other failure is thrown).
    public func deleteIfExists(
        _ gvr: GroupVersionResource, namespace: String? = nil, name: String, propagation: PropagationPolicy? = nil
    ) async throws(KubeError) {
        do { _ = try await delete(gvr, namespace: namespace, name: name, propagation: propagation) } catch
            where
            error.isNotFound
        {}
    }

    /// Deletes an object. Returns the object as the server left it (with `deletionTimestamp` while finalizers
    /// run), or `nil` when it is gone at once.
    @discardableResult
    public func delete(
        _ gvr: GroupVersionResource, namespace: String? = nil, name: String,
        propagation: PropagationPolicy? = nil, preconditionUID: String? = nil,
        preconditionResourceVersion: String? = nil
    ) async throws(KubeError) -> KubeObject? {
        let ns = try await scopedNamespace(gvr, namespace)
        var options: [String: JSON] = ["kind": "DeleteOptions", "apiVersion": "v1"]
        if let propagation { options["propagationPolicy"] = .string(propagation.rawValue) }
        var preconditions: [String: JSON] = [:]
        if let preconditionUID { preconditions["uid"] = .string(preconditionUID) }
        if let preconditionResourceVersion { preconditions["resourceVersion"] = .string(preconditionResourceVersion) }
        if !preconditions.isEmpty { options["preconditions"] = .object(preconditions) }
        let body = try await send(
            method: .DELETE, path: Self.path(gvr, namespace: ns, name: name),
            body: JSON.object(options).serializedBytes())
        let result = try Self.decode(body)
        return result["kind"]?.stringValue == "Status" ? nil : KubeObject(result)
    }

    /// Reads the scale subresource (`autoscaling/v1` Scale).
    public func getScale(
        _ gvr: GroupVersionResource, namespace: String? = nil, name: String
    ) async throws(KubeError)
        -> KubeObject
    {
        let ns = try await scopedNamespace(gvr, namespace)
        return KubeObject(
            try Self.decode(
                try await send(
                    method: .GET,
                    path: Self.path(
                        gvr, namespace: ns, name: name,
                        subresource: "scale"))))
    }

    /// Sets `spec.replicas` through the scale subresource.
    public func scale(
        _ gvr: GroupVersionResource, namespace: String? = nil, name: String, replicas: Int
    )
        async throws(KubeError) -> KubeObject
    {
        try await patch(
            gvr, namespace: namespace, name: name, type: .merge,
            patch: ["spec": ["replicas": .int(Int64(replicas))]], subresource: "scale")
    }
}

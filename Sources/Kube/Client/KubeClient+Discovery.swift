import NIOHTTP1

extension KubeClient {
    /// Reads `/api` and `/apis` and every group version's resource list, and loads them into the mapper.
    @discardableResult
    public func discover() async throws(KubeError) -> [APIResourceInfo] {
        var groupVersions: [GroupVersion] = []
        let core = try await getJSON("/api")
        for v in core["versions"]?.arrayValue ?? [] {
            if let version = v.stringValue { groupVersions.append(GroupVersion(group: "", version: version)) }
        }
        let groups = try await getJSON("/apis")
        for group in groups["groups"]?.arrayValue ?? [] {
            for v in group["versions"]?.arrayValue ?? [] {
                if let gv = v["groupVersion"]?.stringValue { groupVersions.append(GroupVersion(apiVersion: gv)) }
            }
        }
        var resources: [APIResourceInfo] = []
        for gv in groupVersions {
            let list = try await getJSON(gv.pathPrefix)
            let entries = list["resources"]?.arrayValue ?? []
            var subresources: [String: Set<String>] = [:]
            for entry in entries {
                guard let name = entry["name"]?.stringValue, let slash = name.firstIndex(of: "/") else { continue }
                subresources[String(name[..<slash]), default: []].insert(String(name[name.index(after: slash)...]))
            }
            for entry in entries {
                guard let name = entry["name"]?.stringValue, !name.contains("/"),
                    let kind = entry["kind"]?.stringValue
                else { continue }
                resources.append(
                    APIResourceInfo(
                        gvr: GroupVersionResource(group: gv.group, version: gv.version, resource: name), kind: kind,
                        namespaced: entry["namespaced"]?.boolValue ?? false,
                        verbs: entry["verbs"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                        shortNames: entry["shortNames"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                        subresources: subresources[name] ?? []))
            }
        }
        await mapper.load(resources)
        return resources
    }

    /// The resource for a kind, running discovery again once if the kind is unknown (a CRD added since).
    public func resource(for gvk: GroupVersionKind) async throws(KubeError) -> APIResourceInfo {
        if let info = await mapper.info(for: gvk) { return info }
        try await discover()
        if let info = await mapper.info(for: gvk) { return info }
        throw KubeError(code: 404, reason: .notFound, message: "the server has no resource for kind \(gvk)")
    }

    /// The resource info for a GVR (scope and subresources), running discovery if needed.
    public func resource(for gvr: GroupVersionResource) async throws(KubeError) -> APIResourceInfo {
        if let info = await mapper.info(for: gvr) { return info }
        try await discover()
        if let info = await mapper.info(for: gvr) { return info }
        throw KubeError(code: 404, reason: .notFound, message: "the server has no resource \(gvr)")
    }

    func getJSON(_ path: String) async throws(KubeError) -> JSON {
        let body = try await send(method: .GET, path: path)
        return try Self.decode(body)
    }

    static func decode(_ body: [UInt8]) throws(KubeError) -> JSON {
        do { return try JSON.parse(body) } catch {
            throw KubeError(code: 0, reason: .invalidResponse, message: "response is not JSON: \(error)")
        }
    }
}

import Kube

/// An `AppProject`'s restrictions: `sourceRepos`, `destinations`, the cluster-scoped resource allow-list and
/// `syncWindows`.
/// The project `default` allows everything while no AppProject of that name exists, as in a fresh Argo CD.
struct ProjectPolicy: Sendable {
    var name: String
    var spec: JSON?

    static let gvr = GroupVersionResource(group: "argoproj.io", version: "v1alpha1", resource: "appprojects")

    /// Reads the Application's project. A project that does not exist is an InvalidSpecError; one that cannot
    /// be read (the API server is unreachable, access is denied) is a ComparisonError saying why.
    /// With `cache` (the controller's AppProject informer, once synced) the project is read from memory, as
    /// Argo CD's controller reads it from its lister; without one it is asked of the server.
    static func load(
        _ app: Application, client: KubeClient, cache: Informer? = nil
    ) async throws(ComparisonFailure) -> ProjectPolicy {
        if let cache, await cache.hasSynced {
            if let project = await cache.get("\(app.namespace)/\(app.project)") {
                return ProjectPolicy(name: app.project, spec: project.spec ?? .object([:]))
            }
            if app.project == "default" { return ProjectPolicy(name: "default", spec: nil) }
            throw .invalidSpec("Application referencing project \(app.project) which does not exist")
        }
        do {
            let project = try await client.get(gvr, namespace: app.namespace, name: app.project)
            return ProjectPolicy(name: app.project, spec: project.spec ?? .object([:]))
        } catch  where error.isNotFound {
            if app.project == "default" { return ProjectPolicy(name: "default", spec: nil) }
            throw .invalidSpec("Application referencing project \(app.project) which does not exist")
        } catch {
            throw .comparison("cannot read project \(app.project): \(error.message)")
        }
    }

    /// The project's sync windows; a malformed one is an InvalidSpecError naming it.
    func syncWindows() throws(ComparisonFailure) -> SyncWindows {
        var windows: [SyncWindow] = []
        for (index, json) in (spec?["syncWindows"]?.arrayValue ?? []).enumerated() {
            do { windows.append(try SyncWindow(json: json)) } catch {
                throw .invalidSpec("project '\(name)' sync window \(index + 1): \(error)")
            }
        }
        return SyncWindows(windows)
    }

    func checkSpec(_ app: Application) throws(ComparisonFailure) {
        let errors = app.validationErrors()
        if !errors.isEmpty { throw .invalidSpec(errors.joined(separator: "; ")) }
        guard let spec else { return }
        _ = try syncWindows()
        let repos = spec["sourceRepos"]?.arrayValue?.compactMap(\.stringValue) ?? []
        for source in app.sources
        where !repos.contains(where: { $0 == "*" || Glob($0, pathAware: false).matches(source.repoURL) }) {
            throw .invalidSpec("application repo \(source.repoURL) is not permitted in project '\(name)'")
        }
        let server = app.destination.server ?? ApplicationDestination.inCluster
        let namespace = app.destination.namespace ?? ""
        let allowed = (spec["destinations"]?.arrayValue ?? []).contains { entry in
            let serverOK =
                entry["server"]?.stringValue.map { Glob($0, pathAware: false).matches(server) }
                ?? entry["name"]?.stringValue.map {
                    Glob($0, pathAware: false).matches(app.destination.name ?? "in-cluster")
                } ?? false
            let namespaceOK =
                entry["namespace"]?.stringValue.map { Glob($0, pathAware: false).matches(namespace) } ?? false
            return serverOK && namespaceOK
        }
        if !allowed {
            throw .invalidSpec(
                "application destination server '\(server)' and namespace '\(namespace)' do not match any of the allowed destinations in project '\(name)'"
            )
        }
    }

    func checkResources(_ desired: [KubeObject]) throws(ComparisonFailure) {
        guard let spec else { return }
        let whitelist = spec["clusterResourceWhitelist"]?.arrayValue ?? []
        for object in desired where object.namespace == nil {
            let ok = whitelist.contains { entry in
                Glob(entry["group"]?.stringValue ?? "").matches(object.gvk.group)
                    && Glob(entry["kind"]?.stringValue ?? "").matches(object.kind)
            }
            if !ok {
                throw .invalidSpec("resource \(object.gvk.group):\(object.kind) is not permitted in project \(name)")
            }
        }
    }
}

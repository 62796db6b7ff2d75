import Git
import Kube

/// Compares desired objects with the cluster: fills in namespaces and tracking ids, finds the live
/// counterparts in the cluster cache, diffs them and assesses health.
struct LiveComparer {
    let cache: ClusterCache
    let app: Application

    func compare(
        revision: Revision, type: SourceType, rendered: [KubeObject]
    ) async throws(ComparisonFailure) -> Comparison {
        let client = cache.client
        let crdKinds = Set(
            rendered.filter { $0.kind == "CustomResourceDefinition" }.compactMap { crd -> String? in
                guard let group = crd.spec?["group"]?.stringValue,
                    let kind = crd.spec?[path: ["names", "kind"]]?.stringValue
                else { return nil }
                return group + "/" + kind
            })
        var desired: [KubeObject] = []
        var gvrs: [ResourceKey: GroupVersionResource] = [:]
        for var object in rendered {
            if let problem = SyncAnnotations(object).problems.first {
                throw .comparison(
                    "\(object.kind)/\(object.name.isEmpty ? object.generateName ?? "" : object.name): \(problem)")
            }
            var info: APIResourceInfo?
            do { info = try await client.resource(for: object.gvk) } catch {
                guard crdKinds.contains(object.gvk.group + "/" + object.kind) else {
                    throw .comparison(
                        "the server has no resource for \(object.apiVersion) \(object.kind) (\(object.name))")
                }
            }
            if let info {
                if info.namespaced, object.namespace == nil, let ns = app.destination.namespace {
                    object.json[path: ["metadata", "namespace"]] = .string(ns)
                }
                if !info.namespaced { object.json[path: ["metadata", "namespace"]] = nil }
            } else if object.namespace == nil, let ns = app.destination.namespace {
                object.json[path: ["metadata", "namespace"]] = .string(ns)
            }
            if !object.name.isEmpty {
                object.json[path: ["metadata", "annotations", TrackingID.annotation]] = .string(
                    TrackingID.value(app: app.name, key: ResourceKey(object)))
            }
            if let info { gvrs[ResourceKey(object)] = info.gvr }
            desired.append(object)
        }
        await cache.keep(managers: Set(app.ignoreDifferences.flatMap(\.managedFieldsManagers)))
        await cache.watch(Set(gvrs.values).union(try await previouslyTrackedTypes()))
        var live = await cache.tracked(by: app.name)
        var warnings: [(String, String)] = []
        var seen = Set<ResourceKey>()
        for object in desired where !object.name.isEmpty {
            let key = ResourceKey(object)
            if !seen.insert(key).inserted {
                warnings.append(("RepeatedResourceWarning", "\(key) appears more than once in the manifests"))
            }
            guard live[key] == nil, let gvr = gvrs[key] else { continue }
            if let found = await cache.live(gvr, namespace: object.namespace, name: object.name) {
                live[key] = found
                if let owner = TrackingID.owner(of: found), owner != app.name {
                    warnings.append(
                        (
                            "SharedResourceWarning",
                            "\(key.kind)/\(key.name) is part of applications \(owner) and \(app.name)"
                        ))
                }
            }
        }
        let selected = try await jqSelections(desired: desired, live: live)
        return assemble(
            revision: revision, type: type, desired: desired, live: live, warnings: warnings, jqSelected: selected)
    }

    /// Resource types the Application tracked at its last comparison (`status.resources`), so objects of a
    /// kind Git no longer holds are still found and pruned, also by a controller that has just started.
    /// A type the server no longer serves can hold no objects and is skipped.
    func previouslyTrackedTypes() async throws(ComparisonFailure) -> Set<GroupVersionResource> {
        var types = Set<GroupVersionResource>()
        for entry in app.object.status?["resources"]?.arrayValue ?? [] {
            guard let kind = entry["kind"]?.stringValue, let version = entry["version"]?.stringValue else { continue }
            let gvk = GroupVersionKind(group: entry["group"]?.stringValue ?? "", version: version, kind: kind)
            do {
                types.insert(try await cache.client.resource(for: gvk).gvr)
            } catch  where error.code == 404 {
                continue
            } catch {
                throw .comparison("cannot look up \(gvk), which the application tracked: \(error.message)")
            }
        }
        return types
    }

    /// The fields each object's `jqPathExpressions` select, on both sides, batched into one jq run per
    /// distinct list of expressions.
    func jqSelections(
        desired: [KubeObject], live: [ResourceKey: KubeObject]
    ) async throws(ComparisonFailure)
        -> [ResourceKey: ResourceDiff.SelectedPaths]
    {
        var byExpressions: [[String]: [ResourceKey]] = [:]
        for object in desired where !object.name.isEmpty {
            let key = ResourceKey(object)
            let expressions = app.ignoreDifferences.filter { $0.matches(key) }.flatMap(\.jqPathExpressions)
            if !expressions.isEmpty { byExpressions[expressions, default: []].append(key) }
        }
        guard !byExpressions.isEmpty else { return [:] }
        let desiredByKey = Dictionary(
            desired.map { (ResourceKey($0), $0.json) }, uniquingKeysWith: { first, _ in first })
        var selected: [ResourceKey: ResourceDiff.SelectedPaths] = [:]
        for (expressions, keys) in byExpressions {
            let desiredPaths = try await JQPathFinder.shared.paths(
                expressions, in: keys.map { desiredByKey[$0] ?? .null })
            let liveKeys = keys.filter { live[$0] != nil }
            let livePaths = try await JQPathFinder.shared.paths(expressions, in: liveKeys.compactMap { live[$0]?.json })
            for (key, paths) in zip(keys, desiredPaths) { selected[key, default: .none].desired = paths }
            for (key, paths) in zip(liveKeys, livePaths) { selected[key, default: .none].live = paths }
        }
        return selected
    }

    func assemble(
        revision: Revision, type: SourceType, desired: [KubeObject], live: [ResourceKey: KubeObject],
        warnings: [(String, String)], jqSelected: [ResourceKey: ResourceDiff.SelectedPaths] = [:]
    ) -> Comparison {
        var diffs: [ResourceKey: ResourceDiff] = [:]
        var resources: [Comparison.Resource] = []
        var images = Set<String>()
        let desiredKeys = Set(desired.map(ResourceKey.init))
        for object in desired {
            let annotations = SyncAnnotations(object)
            guard !annotations.isHook, !annotations.skip else { continue }
            let key = ResourceKey(object)
            let diff = ResourceDiff.compare(
                desired: object, live: live[key], ignore: app.ignoreDifferences,
                jqSelected: jqSelected[key] ?? .none)
            diffs[key] = diff
            let current = live[key]
            resources.append(
                .init(
                    key: key, version: object.gvk.version, inSync: !diff.differs,
                    health: HealthAssessor.assess(current), requiresPruning: false, wave: annotations.wave))
            images.formUnion(Self.images(in: current ?? object))
        }
        for (key, object) in live where !desiredKeys.contains(key) && object.annotations[SyncAnnotations.hook] == nil {
            let ignoreExtraneous = (object.annotations[SyncAnnotations.compareOptions] ?? "").contains(
                "IgnoreExtraneous")
            resources.append(
                .init(
                    key: key, version: object.gvk.version, inSync: ignoreExtraneous,
                    health: HealthAssessor.assess(object),
                    requiresPruning: true, wave: SyncAnnotations(object).wave))
        }
        resources.sort { $0.key < $1.key }
        let health = Health.worst(resources.filter { !$0.requiresPruning }.compactMap(\.health))
        return Comparison(
            revision: revision, sourceType: type, desired: desired, live: live, diffs: diffs,
            resources: resources, health: health, warnings: warnings, images: images.sorted(), jqSelected: jqSelected)
    }

    /// Container images of a workload or pod, for `status.summary.images`.
    static func images(in object: KubeObject) -> [String] {
        let specs = [
            object.json[path: ["spec"]], object.json[path: ["spec", "template", "spec"]],
            object.json[path: ["spec", "jobTemplate", "spec", "template", "spec"]],
        ]
        return specs.compactMap { $0 }.flatMap { spec in
            ((spec["containers"]?.arrayValue ?? []) + (spec["initContainers"]?.arrayValue ?? [])).compactMap {
                $0["image"]?.stringValue
            }
        }
    }
}

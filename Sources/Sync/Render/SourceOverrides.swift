import Kube

/// Parameter overrides kept in Git next to the manifests, as Argo CD Image Updater writes them:
/// `.argocd-source.yaml`, then `.argocd-source-<app>.yaml`, each merged over the Application's source.
/// Objects merge deeply; `kustomize.images` merge by image name; other lists are replaced.
enum SourceOverrides {
    static func apply(to source: JSON, tree: SourceTree, appName: String) throws(RenderError) -> JSON {
        var result = source
        for name in [".argocd-source.yaml", ".argocd-source-\(appName).yaml"] {
            let path = tree.root.isEmpty ? name : tree.root + "/" + name
            guard let bytes = tree.file(path) else { continue }
            let override: JSON
            do { override = try YAML.parse(String(decoding: bytes, as: UTF8.self)) } catch {
                throw RenderError("failed to parse \(name): \(error)")
            }
            result = merge(result, override, path: [])
        }
        return result
    }

    static func merge(_ base: JSON, _ override: JSON, path: [String]) -> JSON {
        if path == ["kustomize", "images"], let add = override.arrayValue {
            let overrides = KustomizationEdit.images(override)
            let kept = (base.arrayValue ?? []).filter { entry in
                let name = KustomizationEdit.images(.array([entry])).first?.name
                return !overrides.contains { $0.name == name }
            }
            return .array(kept + add)
        }
        guard case .object(var members) = base, case .object(let changes) = override else { return override }
        for (key, value) in changes {
            members[key] = members[key].map { merge($0, value, path: path + [key]) } ?? value
        }
        return .object(members)
    }
}

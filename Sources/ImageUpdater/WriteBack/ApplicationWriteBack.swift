import Kube

/// The `argocd` write-back: the new tags go into the Application itself, as Argo CD Image Updater sets them —
/// `spec.source.kustomize.images` (override strings, one per image name) for a Kustomize source, or
/// `spec.source.helm.parameters` (with `forceString`) for a Helm one. Other entries are kept.
public enum ApplicationWriteBack {
    /// A merge patch of the Application for `updates` (Kustomize) and `parameters` (Helm); nil when the
    /// Application already says all of it.
    public static func patch(
        _ application: KubeObject, updates: [ImageUpdate], parameters: [(name: String, value: String)]
    ) -> JSON? {
        let source = application.spec?["source"] ?? [:]
        var changes: [String: JSON] = [:]
        let existingImages = source["kustomize"]?["images"]?.arrayValue ?? []
        let images = SourceFileWriteBack.merged(existingImages, updates)
        if images != existingImages { changes["kustomize"] = ["images": .array(images)] }
        let existingParameters = source["helm"]?["parameters"]?.arrayValue ?? []
        let list = SourceFileWriteBack.merged(existingParameters, parameters, forceKey: "forceString")
        if list != existingParameters { changes["helm"] = ["parameters": .array(list)] }
        return changes.isEmpty ? nil : ["spec": ["source": .object(changes)]]
    }
}

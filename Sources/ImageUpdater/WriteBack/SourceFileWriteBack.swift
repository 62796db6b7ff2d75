import Kube

/// `.argocd-source-<app>.yaml`, the parameter-override file Argo CD reads beside an Application's manifests:
/// `kustomize.images` (override strings, one per image name) and `helm.parameters` (name, value, forcestring).
/// The file is written whole, as Argo CD Image Updater writes it; what it held for other images is kept.
public enum SourceFileWriteBack {
    public static func fileName(app: String) -> String { ".argocd-source-\(app).yaml" }

    /// The new file for `updates` to a Kustomize Application, or nil when `existing` already says it.
    public static func kustomize(existing: String?, updates: [ImageUpdate]) throws(YAMLError) -> String? {
        var file = try existing.map(YAML.parse) ?? [:]
        if file == .null { file = [:] }
        let images = merged(file["kustomize"]?["images"]?.arrayValue ?? [], updates)
        return changed(file, path: ["kustomize", "images"], to: .array(images))
    }

    /// The new file for Helm parameters (name → value), or nil when `existing` already says it.
    public static func helm(existing: String?, parameters: [(name: String, value: String)]) throws(YAMLError) -> String?
    {
        var file = try existing.map(YAML.parse) ?? [:]
        if file == .null { file = [:] }
        let list = merged(file["helm"]?["parameters"]?.arrayValue ?? [], parameters, forceKey: "forcestring")
        return changed(file, path: ["helm", "parameters"], to: .array(list))
    }

    /// Kustomize override strings with each update's entry replaced (by image name) or appended.
    static func merged(_ images: [JSON], _ updates: [ImageUpdate]) -> [JSON] {
        var images = images
        for update in updates {
            let entry = JSON.string(update.kustomizeOverride)
            if let index = images.firstIndex(where: { overrideName($0.stringValue ?? "") == update.kustomizeEntryName })
            {
                images[index] = entry
            } else {
                images.append(entry)
            }
        }
        return images
    }

    /// Helm parameters with each one replaced (by name) or appended; `forceKey` is `forcestring` in the
    /// source file and `forceString` in an Application, as Argo CD spells them.
    static func merged(
        _ list: [JSON], _ parameters: [(name: String, value: String)], forceKey: String
    ) -> [JSON] {
        var list = list
        for (name, value) in parameters {
            let entry = JSON.object(["name": .string(name), "value": .string(value), forceKey: true])
            if let index = list.firstIndex(where: { $0["name"]?.stringValue == name }) {
                list[index] = entry
            } else {
                list.append(entry)
            }
        }
        return list
    }

    static func changed(_ file: JSON, path: [String], to value: JSON) -> String? {
        guard file[path: path] != value else { return nil }
        var file = file
        file[path: path] = value
        return YAML.render(file)
    }

    /// The image name of an override string (`name=image:tag`, `image:tag`, `image@digest`).
    static func overrideName(_ text: String) -> String {
        if let equals = text.firstIndex(of: "=") { return String(text[..<equals]) }
        var rest = Substring(text)
        if let at = rest.firstIndex(of: "@") { rest = rest[..<at] }
        let slash = rest.lastIndex(of: "/")
        if let colon = rest.lastIndex(of: ":"), slash.map({ colon > $0 }) ?? true { rest = rest[..<colon] }
        return String(rest)
    }
}

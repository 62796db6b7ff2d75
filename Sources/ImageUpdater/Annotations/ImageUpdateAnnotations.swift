import Foundation
import Registry

/// The `argocd-image-updater.argoproj.io/*` annotations of an Application, read as Argo CD Image Updater
/// documents them. Each unusable annotation is a problem naming it; the image it concerns is skipped and the
/// other images are kept.
public enum ImageUpdateAnnotations {
    public static let prefix = "argocd-image-updater.argoproj.io/"

    /// The images to update (empty when `image-list` is absent) and the problems found.
    public static func images(
        _ annotations: [String: String]
    ) -> (images: [ImageUpdateSpec], problems: [ImageSettingProblem]) {
        guard let list = annotations[prefix + "image-list"] else { return ([], []) }
        var images: [ImageUpdateSpec] = []
        var problems: [ImageSettingProblem] = []
        var aliases: Set<String> = []
        for entry in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            do throws(ImageSettingProblem) {
                let spec = try image(entry, annotations)
                if let alias = spec.alias, !aliases.insert(alias).inserted {
                    throw ImageSettingProblem(setting: "image-list", message: "the alias \"\(alias)\" is used twice")
                }
                images.append(spec)
            } catch {
                problems.append(error)
            }
        }
        return (images, problems)
    }

    /// One `[alias=]image[:constraint]` entry with its settings.
    static func image(_ entry: String, _ annotations: [String: String]) throws(ImageSettingProblem) -> ImageUpdateSpec {
        var rest = Substring(entry)
        var alias: String?
        if let equals = rest.firstIndex(of: "=") {
            alias = String(rest[..<equals])
            rest = rest[rest.index(after: equals)...]
        }
        var constraint: String?
        let lastSlash = rest.lastIndex(of: "/")
        if let colon = rest.lastIndex(of: ":"), lastSlash.map({ colon > $0 }) ?? true {
            constraint = String(rest[rest.index(after: colon)...])
            rest = rest[..<colon]
        }
        guard let image = RegistryImage(String(rest)), alias.map({ !$0.isEmpty }) ?? true else {
            throw ImageSettingProblem(setting: "image-list", message: "\"\(entry)\" is not [alias=]image[:constraint]")
        }
        func setting(_ name: String) -> String? {
            if let alias, let value = annotations["\(prefix)\(alias).\(name)"] { return value }
            return annotations[prefix + name]
        }
        func problem(_ error: ImageSettingProblem) -> ImageSettingProblem {
            ImageSettingProblem(setting: (alias.map { "\($0)." } ?? "") + error.setting, message: error.message)
        }
        let strategyText = setting("update-strategy") ?? "semver"
        guard let strategy = UpdateStrategy(annotation: strategyText) else {
            throw problem(
                ImageSettingProblem(
                    setting: "update-strategy",
                    message: "must be semver, newest-build, digest or alphabetical, not \"\(strategyText)\""))
        }
        var versionConstraint: VersionConstraint?
        if strategy == .semver, let constraint, !constraint.isEmpty {
            do { versionConstraint = try VersionConstraint(constraint) } catch {
                throw problem(ImageSettingProblem(setting: "image-list", message: "\(entry): \(error)"))
            }
        }
        if strategy == .digest && (constraint ?? "").isEmpty {
            throw problem(
                ImageSettingProblem(
                    setting: "image-list", message: "\(entry): the digest strategy needs a tag to follow"))
        }
        let filter: TagFilter
        do { filter = try TagFilter(allow: setting("allow-tags"), ignore: setting("ignore-tags")) } catch {
            throw problem(error)
        }
        let pullSecret: PullSecretReference?
        do { pullSecret = try setting("pull-secret").map(PullSecretReference.init) } catch { throw problem(error) }
        let platforms = (setting("platforms") ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if let bad = platforms.first(where: { $0.split(separator: "/").count < 2 }) {
            throw problem(ImageSettingProblem(setting: "platforms", message: "\"\(bad)\" is not os/arch[/variant]"))
        }
        func aliased(_ name: String) -> String? { alias.flatMap { annotations["\(prefix)\($0).\(name)"] } }
        return ImageUpdateSpec(
            alias: alias, image: image, constraint: constraint, versionConstraint: versionConstraint,
            strategy: strategy, filter: filter,
            platforms: platforms, pullSecret: pullSecret,
            forceUpdate: (setting("force-update") ?? "false").lowercased() == "true",
            helmImageName: aliased("helm.image-name"), helmImageTag: aliased("helm.image-tag"),
            helmImageSpec: aliased("helm.image-spec"), kustomizeImageName: aliased("kustomize.image-name"))
    }
}

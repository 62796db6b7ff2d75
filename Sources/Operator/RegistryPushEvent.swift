import Kube
import Registry

/// The images a registry push notification is about, read from the CNCF `docker-registry`'s notification
/// envelope (`events[]` with `action: push` and a tagged `target`), Docker Hub's webhook (`push_data`,
/// `repository.repo_name`) and GitHub's `package` webhook for GHCR containers.
public enum RegistryPushEvent {
    /// A pushed image: its registry host when the payload says (nil: any registry) and repository path.
    public struct Image: Sendable, Equatable {
        public var registry: String?
        public var repository: String
    }

    public static func images(in payload: JSON) -> [Image] {
        var images: [Image] = []
        func add(_ image: Image) { if !images.contains(image) { images.append(image) } }
        for event in payload["events"]?.arrayValue ?? [] where event["action"]?.stringValue == "push" {
            guard event[path: ["target", "tag"]]?.stringValue != nil,
                let repository = event[path: ["target", "repository"]]?.stringValue
            else { continue }
            add(Image(registry: event[path: ["request", "host"]]?.stringValue, repository: repository))
        }
        if payload["push_data"] != nil, let name = payload[path: ["repository", "repo_name"]]?.stringValue,
            let image = RegistryImage(name)
        {
            add(Image(registry: image.registry, repository: image.repository))
        }
        if payload[path: ["package", "package_type"]]?.stringValue?.lowercased() == "container",
            let name = payload[path: ["package", "name"]]?.stringValue,
            let owner = payload[path: ["package", "owner", "login"]]?.stringValue
        {
            add(Image(registry: "ghcr.io", repository: "\(owner)/\(name)".lowercased()))
        }
        return images
    }
}

import Kube
import Registry

/// A version of an image an Application runs now, read from `status.summary.images` (the images of its live
/// workloads), as Argo CD Image Updater reads it: an image not found there is not updated unless
/// `force-update` asks for it.
public struct LiveImage: Sendable, Equatable {
    public var tag: String?
    public var digest: String?

    /// Every live version of `image` in `application`'s status (two during a canary), in the status's order.
    public static func all(_ image: RegistryImage, in application: KubeObject) -> [LiveImage] {
        let images = application.status?[path: ["summary", "images"]]?.arrayValue?.compactMap(\.stringValue) ?? []
        return images.compactMap(RegistryImage.init).filter {
            $0.registry == image.registry && $0.repository == image.repository
        }.map { LiveImage(tag: $0.tag, digest: $0.digest) }
    }

    /// Whether running this version is what `choice` asks for.
    public func satisfies(_ choice: ImageChoice) -> Bool {
        if let wanted = choice.digest { return digest == wanted }
        return tag == choice.tag && digest == nil
    }

    /// `tag`, `tag@digest` or `@digest`, for messages.
    public var description: String { (tag ?? "") + (digest.map { "@\($0)" } ?? "") }
}

/// One image moving to a new tag (or digest), in the terms a write-back needs: the image as manifests name it,
/// the name a kustomization uses for it when that differs (`kustomize.image-name`), and Helm parameter names.
public struct ImageUpdate: Sendable, Equatable {
    /// `ghcr.io/org/api`, `nginx` (as `RegistryImage.name` writes it).
    public var image: String
    public var kustomizeName: String?
    public var oldTag: String?
    public var newTag: String
    /// `sha256:...` for the `digest` strategy.
    public var digest: String?
    /// The image's alias in `image-list`, which Flux-style setter comments name.
    public var alias: String?

    public init(
        image: String, kustomizeName: String? = nil, oldTag: String? = nil, newTag: String, digest: String? = nil,
        alias: String? = nil
    ) {
        self.alias = alias
        self.image = image
        self.kustomizeName = kustomizeName
        self.oldTag = oldTag
        self.newTag = newTag
        self.digest = digest
    }

    /// `image:tag`, or `image@digest`.
    public var reference: String { image + (digest.map { "@\($0)" } ?? ":\(newTag)") }

    /// The kustomize override Argo CD reads: `image:tag`, or `name=image:tag` when the kustomization names the
    /// image differently.
    public var kustomizeOverride: String {
        guard let kustomizeName, kustomizeName != image else { return reference }
        return "\(kustomizeName)=\(reference)"
    }

    /// The name a kustomization's `images:` entry has for this image.
    public var kustomizeEntryName: String { kustomizeName ?? image }
}

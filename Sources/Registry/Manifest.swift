import Foundation
import Kube

/// What a manifest request answers: one image (its config blob's digest), or an index of per-platform images
/// (a Docker manifest list or an OCI index). Docker schema 2 and OCI manifests are read alike.
public struct Manifest: Sendable, Equatable {
    public static let accepted = [
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
    ]

    /// One image of an index, with the platform it is for.
    public struct Entry: Sendable, Equatable {
        public var digest: String
        /// `os/architecture[/variant]`, as the `platforms` annotation writes it (`linux/arm64/v8`).
        public var platform: String
    }

    public enum Content: Sendable, Equatable {
        case image(configDigest: String)
        case index([Entry])
    }

    /// The manifest's own digest (`Docker-Content-Digest`, or the SHA-256 of its bytes).
    public var digest: String
    public var mediaType: String
    public var content: Content

    /// Reads a manifest body; `mediaType` is the Content-Type the registry sent.
    public static func parse(
        _ body: [UInt8], mediaType headerType: String?, digest: String
    ) throws(RegistryError) -> Manifest {
        let json: JSON
        do { json = try JSON.parse(body) } catch {
            throw RegistryError(.malformed, "the manifest is not JSON: \(error)")
        }
        let mediaType = json["mediaType"]?.stringValue ?? headerType?.split(separator: ";").first.map(String.init) ?? ""
        if let manifests = json["manifests"]?.arrayValue {
            let entries = manifests.compactMap { entry -> Entry? in
                guard let digest = entry["digest"]?.stringValue else { return nil }
                let platform = entry["platform"]
                let parts = [platform?["os"], platform?["architecture"], platform?["variant"]].compactMap {
                    $0?.stringValue
                }
                return Entry(digest: digest, platform: parts.joined(separator: "/"))
            }
            return Manifest(digest: digest, mediaType: mediaType, content: .index(entries))
        }
        guard let config = json["config"]?["digest"]?.stringValue else {
            throw RegistryError(.malformed, "the manifest (\(mediaType)) has neither a config nor manifests")
        }
        return Manifest(digest: digest, mediaType: mediaType, content: .image(configDigest: config))
    }
}

/// Whether an image's `os/architecture[/variant]` is one the `platforms` annotation asks for; a wanted
/// platform without a variant accepts any variant.
public func platformMatches(_ platform: String, wanted: String) -> Bool {
    if platform == wanted { return true }
    let have = platform.split(separator: "/")
    let want = wanted.split(separator: "/")
    return want.count == 2 && have.count >= 2 && have[0] == want[0] && have[1] == want[1]
}

import Kube

/// The serialized OpenAPI documents, built once per state of the resource catalog: kubectl asks for the v3
/// index and a group's document on nearly every command, and building them means walking every schema. A
/// slow answer under load made kubectl give up on v3 and fall back to v2's protobuf form.
actor OpenAPICache {
    private var revision = -1
    private var documents: [String: [UInt8]] = [:]

    /// The document `key` names for the catalog at `revision`, built by `build` when not cached (nil: none).
    func bytes(revision: Int, key: String, build: () -> JSON?) -> [UInt8]? {
        encoded(revision: revision, key: key) { build()?.serializedBytes() }
    }

    /// The document `key` names, in the form `encode` writes (nil: none).
    func encoded(revision: Int, key: String, encode: () -> [UInt8]?) -> [UInt8]? {
        if revision != self.revision {
            self.revision = revision
            documents = [:]
        }
        if let cached = documents[key] { return cached }
        guard let bytes = encode() else { return nil }
        documents[key] = bytes
        return bytes
    }
}

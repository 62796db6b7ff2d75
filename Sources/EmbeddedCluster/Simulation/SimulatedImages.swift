/// What the simulated kubelet reports for a container's image, in the shapes a real kubelet with containerd
/// reports them: `imageID` as the fully qualified repository with a digest, `containerID` as
/// `containerd://<64 hex>`. No image is pulled, so the digest is derived from the image reference (stable for
/// one reference, different for different ones), not read from a registry.
enum SimulatedImages {
    /// `nginx:1.25` → `docker.io/library/nginx@sha256:<64 hex>`.
    static func imageID(_ image: String) -> String {
        repository(image) + "@sha256:" + digest(image)
    }

    static func containerID(pod uid: String, container: String, restart: Int64) -> String {
        "containerd://" + digest("\(uid)/\(container)/\(restart)")
    }

    /// The repository without tag or digest, with Docker Hub's implicit registry and `library/` made explicit.
    static func repository(_ image: String) -> String {
        var name = Substring(image)
        if let at = name.firstIndex(of: "@") { name = name[..<at] }
        if let colon = name.lastIndex(of: ":"), !name[colon...].contains("/") { name = name[..<colon] }
        let parts = name.split(separator: "/", maxSplits: 1)
        let first = parts.first.map(String.init) ?? ""
        let hasRegistry = parts.count == 2 && (first.contains(".") || first.contains(":") || first == "localhost")
        if hasRegistry { return String(name) }
        return parts.count == 1 ? "docker.io/library/" + name : "docker.io/" + name
    }

    /// 64 hex digits from four FNV-1a passes with different seeds.
    static func digest(_ text: String) -> String {
        (0..<4).map { seed -> String in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(seed)
            for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            let hex = String(hash, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }
}

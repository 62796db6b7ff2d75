import Foundation
import ImageUpdater
import Registry

extension ImageBench {
    /// Registry requests of a `newest-build` cycle over `tags` tags on the real registry: the first cycle reads
    /// every tag's manifest and config; a later cycle after one push should read only the new tag's.
    func measureRequests(tags: Int, in directory: String) async throws {
        let registry = try RegistryProcess(directory: directory)
        defer { registry.stop() }
        let pusher = ImagePusher(url: registry.url)
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        print("pushing \(tags) tags to docker-registry at \(registry.host)...")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for index in stride(from: worker, to: tags, by: 8) {
                        try await pusher.push(
                            "bench/app", tag: "build-\(index)", created: start.addingTimeInterval(Double(index)))
                    }
                }
            }
            try await group.waitForAll()
        }
        let annotations = [
            ImageUpdateAnnotations.prefix + "image-list": "app=\(registry.host)/bench/app",
            ImageUpdateAnnotations.prefix + "app.update-strategy": "newest-build",
        ]
        guard let spec = ImageUpdateAnnotations.images(annotations).images.first else { return }
        let client = RegistryClient()
        let chooser = TagChooser(client: client)
        let endpoint = RegistryEndpoint(apiURL: registry.url)
        let cold = try await requests(client) { _ = try await chooser.choose(spec, at: endpoint) }
        try await pusher.push("bench/app", tag: "build-new", created: start.addingTimeInterval(Double(tags + 1)))
        var chosen: ImageChoice?
        let warm = try await requests(client) { chosen = try await chooser.choose(spec, at: endpoint) }
        try await client.shutdown()
        print(
            "newest-build over \(tags) tags: first cycle \(cold) requests, next cycle after one push \(warm) "
                + "requests (target: only the new tag's) → \(chosen?.tag ?? "(none)")")
    }

    func requests(_ client: RegistryClient, _ body: () async throws -> Void) async throws -> Int {
        let before = await client.requestCount
        try await body()
        return await client.requestCount - before
    }
}

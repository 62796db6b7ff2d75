import EmbeddedCluster
import Foundation
import Kube
import KubeTestSupport
import Testing

/// A watcher that never reads cannot make the server buffer without bound: once its buffer is full the
/// server closes the watch (the client would resume or relist), and other clients are unaffected.
@Suite struct SlowWatcherTests {
    @Test func aWatcherThatNeverReadsIsClosed() async throws {
        try await TestCluster.with(simulate: false) { cluster in
            guard let embedded = cluster.embedded else { return }
            let ns = cluster.namespace
            // curl's output goes to a pipe nobody reads: once it is full, curl stops reading the socket.
            let reader = try SpawnedProcess(
                ["/usr/bin/curl", "-sN", "\(embedded.url)/api/v1/namespaces/\(ns)/configmaps?watch=1"],
                captureOutput: true)
            defer { reader.stop() }
            #expect(try await cluster.eventually { await embedded.store.watcherCount == 1 })
            let configMaps = GroupVersionResource(group: "", version: "v1", resource: "configmaps")
            let payload = String(repeating: "x", count: 8 * 1024)
            var created = 0
            while await embedded.store.watcherCount > 0 && created < 20_000 {
                let object = Fixtures.configMap("cm-\(created)", namespace: ns, data: ["payload": payload])
                _ = try await embedded.store.create(configMaps, namespace: ns, object: object)
                created += 1
            }
            #expect(await embedded.store.watcherCount == 0, "still watching after \(created) events of 8 KB")
            #expect(try await cluster.client.get(.configMaps, namespace: ns, name: "cm-0").name == "cm-0")
        }
    }
}

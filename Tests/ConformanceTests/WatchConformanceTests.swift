import Kube
import KubeTestSupport
import Testing

@Suite struct WatchConformanceTests {
    @Test func watchFromAResourceVersionDeliversLaterEventsInOrder() async throws {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.shutdown() } }
        let ns = cluster.namespace
        let before = try await cluster.client.list(.configMaps, namespace: ns).resourceVersion
        _ = try await cluster.client.create(Fixtures.configMap("w1", namespace: ns))
        let stream = try await cluster.client.watch(.configMaps, namespace: ns, resourceVersion: before)
        _ = try await cluster.client.patch(.configMaps, namespace: ns, name: "w1", type: .merge, patch: ["data": ["a": "2"]])
        try await cluster.client.delete(.configMaps, namespace: ns, name: "w1")
        var seen: [WatchEvent.EventType] = []
        for try await event in stream where event.type != .bookmark {
            seen.append(event.type)
            if seen.count == 3 { break }
        }
        #expect(seen == [.added, .modified, .deleted])
    }

    @Test func informerCachesAndFollowsChanges() async throws {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.shutdown() } }
        let ns = cluster.namespace
        _ = try await cluster.client.create(Fixtures.configMap("pre", namespace: ns, labels: ["app": "x"]))
        var logger = Logger(label: "test")
        logger.logLevel = .error
        let informer = Informer(client: cluster.client, gvr: .configMaps, namespace: ns, logger: logger)
        let task = Task { try await informer.run() }
        defer { task.cancel() }
        await informer.waitForSync()
        #expect(await informer.get("\(ns)/pre") != nil)
        _ = try await cluster.client.create(Fixtures.configMap("post", namespace: ns, labels: ["app": "x"]))
        #expect(try await cluster.eventually { await informer.list(selector: LabelSelector(matchLabels: ["app": "x"])).count == 2 })
        try await cluster.client.delete(.configMaps, namespace: ns, name: "pre")
        #expect(try await cluster.eventually { await informer.get("\(ns)/pre") == nil })
    }
}

import Logging

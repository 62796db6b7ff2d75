import Kube
import KubeTestSupport
import Logging
import Testing

@Suite struct WatchConformanceTests {
    @Test func watchFromAResourceVersionDeliversLaterEventsInOrder() async throws {
        try await TestCluster.with { cluster in
            let ns = cluster.namespace
            let before = try await cluster.client.list(.configMaps, namespace: ns).resourceVersion
            _ = try await cluster.client.create(Fixtures.configMap("w1", namespace: ns))
            let stream = try await cluster.client.watch(.configMaps, namespace: ns, resourceVersion: before)
            _ = try await cluster.client.patch(
                .configMaps, namespace: ns, name: "w1", type: .merge, patch: ["data": ["a": "2"]])
            try await cluster.client.delete(.configMaps, namespace: ns, name: "w1")
            var seen: [WatchEvent.EventType] = []
            for try await event in stream where event.type != .bookmark {
                seen.append(event.type)
                if seen.count == 3 { break }
            }
            #expect(seen == [.added, .modified, .deleted])
        }
    }

    /// kube-apiserver's watch cache: an object relabelled out of a selector is DELETED for that watch, one
    /// relabelled into it ADDED, and one that never matches is never sent.
    @Test func aSelectorWatchSeesObjectsEnterAndLeaveIt() async throws {
        try await TestCluster.with { cluster in
            let ns = cluster.namespace
            let start = try await cluster.client.list(.configMaps, namespace: ns).resourceVersion
            let stream = try await cluster.client.watch(
                .configMaps, namespace: ns, resourceVersion: start,
                labelSelector: "app=x")
            func relabel(_ name: String, _ value: String) async throws {
                _ = try await cluster.client.patch(
                    .configMaps, namespace: ns, name: name, type: .merge,
                    patch: ["metadata": ["labels": ["app": .string(value)]]])
            }
            _ = try await cluster.client.create(Fixtures.configMap("other", namespace: ns, labels: ["app": "y"]))
            _ = try await cluster.client.create(Fixtures.configMap("cm", namespace: ns, labels: ["app": "x"]))
            try await relabel("cm", "y")
            try await relabel("other", "z")
            try await relabel("cm", "x")
            _ = try await cluster.client.patch(
                .configMaps, namespace: ns, name: "cm", type: .merge, patch: ["data": ["a": "2"]])
            try await cluster.client.delete(.configMaps, namespace: ns, name: "cm")
            var seen: [String] = []
            for try await event in stream where event.type != .bookmark {
                seen.append("\(event.type.rawValue) \(event.object.name) \(event.object.labels["app"] ?? "-")")
                if seen.count == 5 { break }
            }
            #expect(seen == ["ADDED cm x", "DELETED cm y", "ADDED cm x", "MODIFIED cm x", "DELETED cm x"])
        }
    }

    @Test func informerCachesAndFollowsChanges() async throws {
        try await TestCluster.with { cluster in
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
            #expect(
                try await cluster.eventually {
                    await informer.list(selector: LabelSelector(matchLabels: ["app": "x"])).count == 2
                })
            try await cluster.client.delete(.configMaps, namespace: ns, name: "pre")
            #expect(try await cluster.eventually { await informer.get("\(ns)/pre") == nil })
        }
    }
}

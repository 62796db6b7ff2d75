import Kube
import KubeTestSupport
import Logging
import Synchronization
import Testing

/// The shared controller loop, driven by a small controller against the embedded cluster: it reconciles
/// ConfigMaps, and Secrets of the same name count as changes to them (a secondary watch).
@Suite struct ControllerRuntimeTests {
    /// Records every reconcile and answers what each ConfigMap's `outcome` label asks for.
    final class LabelController: Sendable {
        let client: KubeClient
        let attempts = Mutex<[String: Int]>([:])

        init(client: KubeClient) { self.client = client }

        func count(_ key: String) -> Int { attempts.withLock { $0[key, default: 0] } }

        func reconcile(_ key: String, informer: Informer) async -> ReconcileResult {
            let attempt = attempts.withLock { counts in
                counts[key, default: 0] += 1
                return counts[key]!
            }
            guard let object = await informer.get(key) else { return .done }
            switch object.labels["outcome"] {
            case "fail-twice": return attempt <= 2 ? .retry : .done
            case "again": return attempt == 1 ? .requeue(after: .milliseconds(300)) : .done
            default: return .done
            }
        }
    }

    func withController(
        resync: Duration? = nil,
        _ body: (TestCluster, LabelController, ControllerRuntime) async throws -> Void
    ) async throws {
        try await TestCluster.with(simulate: false) { cluster in
            let logger = Logger(label: "test.runtime")
            let configMaps = Informer(
                client: cluster.client, gvr: .configMaps, namespace: cluster.namespace, logger: logger)
            let secrets = Informer(client: cluster.client, gvr: .secrets, namespace: cluster.namespace, logger: logger)
            let controller = LabelController(client: cluster.client)
            let runtime = ControllerRuntime(
                name: "labels", options: .init(workers: 2, resync: resync, baseDelay: .milliseconds(50)),
                logger: logger)
            await runtime.watch(configMaps) { [$0.object.key] }
            await runtime.watch(secrets) { [$0.object.key] }  // the ConfigMap of the same name
            await runtime.start(allKeys: { await configMaps.list().map(\.key) }) { key in
                await controller.reconcile(key, informer: configMaps)
            }
            try await withAwaitedTeardown(runtime, teardown: { await $0.stop() }) { runtime in
                try await body(cluster, controller, runtime)
            }
        }
    }

    func configMap(_ name: String, _ namespace: String, outcome: String? = nil) -> KubeObject {
        var object = KubeObject(apiVersion: "v1", kind: "ConfigMap", name: name, namespace: namespace)
        if let outcome { object.labels = ["outcome": outcome] }
        return object
    }

    @Test func eventsRetriesRequeuesAndSecondaryWatchesReachTheReconcile() async throws {
        try await withController { cluster, controller, runtime in
            let ns = cluster.namespace
            _ = try await cluster.client.create(configMap("plain", ns))
            _ = try await cluster.client.create(configMap("flaky", ns, outcome: "fail-twice"))
            _ = try await cluster.client.create(configMap("later", ns, outcome: "again"))
            #expect(try await cluster.eventually(timeout: .seconds(60)) { controller.count("\(ns)/plain") >= 1 })
            // Two failures back off and retry; the third attempt succeeds and nothing follows.
            #expect(try await cluster.eventually(timeout: .seconds(60)) { controller.count("\(ns)/flaky") == 3 })
            #expect(await runtime.queue.failureCount("\(ns)/flaky") == 0)
            #expect(try await cluster.eventually(timeout: .seconds(60)) { controller.count("\(ns)/later") == 2 })
            let before = controller.count("\(ns)/plain")
            _ = try await cluster.client.create(
                KubeObject(apiVersion: "v1", kind: "Secret", name: "plain", namespace: ns))
            #expect(
                try await cluster.eventually(timeout: .seconds(60)) { controller.count("\(ns)/plain") > before })
            #expect(await runtime.reconcileCount >= 6)
        }
    }

    @Test func resyncRevisitsEveryKeyAndStopEndsTheLoop() async throws {
        try await withController(resync: .milliseconds(200)) { cluster, controller, runtime in
            let ns = cluster.namespace
            _ = try await cluster.client.create(configMap("quiet", ns))
            #expect(try await cluster.eventually(timeout: .seconds(60)) { controller.count("\(ns)/quiet") >= 3 })
            await runtime.stop()
            let stopped = controller.count("\(ns)/quiet")
            _ = try await cluster.client.create(configMap("after-stop", ns))
            try await Task.sleep(for: .milliseconds(600))
            #expect(controller.count("\(ns)/after-stop") == 0)
            #expect(controller.count("\(ns)/quiet") <= stopped + 1)  // at most the reconcile already running
        }
    }
}

import EmbeddedCluster
import Foundation
import Kube
import KubeTestSupport
import Logging
import NIOHTTP1
import Testing

/// Deleting a namespace behaves as on kube-apiserver: the DELETE answers at once with the namespace
/// Terminating, its contents go in the background (finalizers honoured), and a restart resumes the work.
@Suite struct NamespaceDeletionTests {
    @Test func tenThousandObjectsGoInTheBackgroundAndTheDeletionResumesAfterARestart() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("capstan-ns-\(UUID()).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var logger = Logger(label: "t")
        logger.logLevel = .error
        let options = EmbeddedCluster.Options(dataPath: path, simulateWorkloads: false)
        let first = try await EmbeddedCluster.start(options, logger: logger)
        let client = try KubeClient(config: first.clusterConfig, logger: logger)
        _ = try await client.create(KubeObject(apiVersion: "v1", kind: "Namespace", name: "big"))
        let configMaps = GroupVersionResource(group: "", version: "v1", resource: "configmaps")
        for i in 0..<10_000 {
            _ = try await first.store.create(
                configMaps, namespace: "big", object: Fixtures.configMap("cm-\(i)", namespace: "big"))
        }
        var held = Fixtures.configMap("held", namespace: "big")
        held.finalizers = ["example.com/hold"]
        _ = try await client.create(held)

        let response = try await client.sendRaw(method: .DELETE, path: "/api/v1/namespaces/big")
        #expect(response.status == 200)
        #expect(try JSON.parse(response.body)[path: ["status", "phase"]] == "Terminating")
        let emptied = try await eventually {
            try await client.list(.configMaps, namespace: "big").items.map(\.name) == ["held"]
        }
        #expect(emptied)
        #expect(try await client.get(.namespaces, name: "big").json[path: ["status", "phase"]] == "Terminating")
        try await client.shutdown()
        await first.stop()

        let second = try await EmbeddedCluster.start(options, logger: logger)
        let again = try KubeClient(config: second.clusterConfig, logger: logger)
        var last = try await again.get(.configMaps, namespace: "big", name: "held")
        #expect(last.deletionTimestamp != nil)
        last.finalizers = []
        _ = try await again.update(last)
        let gone = try await eventually {
            do {
                _ = try await again.get(.namespaces, name: "big")
                return false
            } catch let error as KubeError where error.code == 404 {
                return true
            }
        }
        #expect(gone)
        try await again.shutdown()
        await second.stop()
    }

    /// A foreground owner waiting for a dependent held by a finalizer keeps the namespace Terminating; once the
    /// finalizer goes, the dependent, then its owner, then the namespace go, in that order.
    @Test func foregroundOwnersAndFinalizersHoldTheNamespaceUntilTheyAreDone() async throws {
        try await TestCluster.with(simulate: false) { cluster in
            let client = cluster.client
            _ = try await client.create(
                KubeObject(apiVersion: "v1", kind: "Namespace", name: "owned-\(cluster.namespace)"))
            let ns = "owned-\(cluster.namespace)"
            let parent = try await client.create(Fixtures.configMap("parent", namespace: ns))
            let reference = OwnerReference(
                apiVersion: "v1", kind: "ConfigMap", name: "parent", uid: parent.uid ?? "",
                blockOwnerDeletion: true)
            var held = Fixtures.configMap("held-child", namespace: ns)
            held.ownerReferences = [reference]
            held.finalizers = ["example.com/hold"]
            _ = try await client.create(held)
            var plain = Fixtures.configMap("plain-child", namespace: ns)
            plain.ownerReferences = [reference]
            _ = try await client.create(plain)
            _ = try await client.delete(.configMaps, namespace: ns, name: "parent", propagation: .foreground)
            _ = try await client.sendRaw(method: .DELETE, path: "/api/v1/namespaces/\(ns)")
            #expect(
                try await eventually {
                    try await client.list(.configMaps, namespace: ns).items.map(\.name).sorted() == [
                        "held-child", "parent",
                    ]
                })
            #expect(
                try await client.get(.configMaps, namespace: ns, name: "parent").finalizers == ["foregroundDeletion"])
            #expect(try await client.get(.namespaces, name: ns).json[path: ["status", "phase"]] == "Terminating")
            var last = try await client.get(.configMaps, namespace: ns, name: "held-child")
            last.finalizers = []
            _ = try await client.update(last)
            #expect(
                try await eventually {
                    do {
                        _ = try await client.get(.namespaces, name: ns)
                        return false
                    } catch let error as KubeError where error.code == 404 {
                        return true
                    }
                })
        }
    }

    func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
        for _ in 0..<1200 {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }
}

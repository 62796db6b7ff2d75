import Kube
import KubeTestSupport
import Testing

/// The contract Capstan relies on from Kubernetes. Runs against the embedded server, or against a real
/// cluster when CAPSTAN_TEST_KUBECONFIG names one.
@Suite struct CRUDConformanceTests {
    @Test func createSetsServerFieldsAndRejectsDuplicates() async throws {
        try await TestCluster.with { cluster in
            let created = try await cluster.client.create(Fixtures.configMap("one", namespace: cluster.namespace))
            #expect(created.uid?.isEmpty == false)
            #expect(created.creationTimestamp != nil)
            #expect(Int(created.resourceVersion ?? "") != nil)
            await #expect {
                try await cluster.client.create(Fixtures.configMap("one", namespace: cluster.namespace))
            } throws: { ($0 as? KubeError)?.isAlreadyExists == true }
            await #expect {
                try await cluster.client.get(.configMaps, namespace: cluster.namespace, name: "nope")
            } throws: { ($0 as? KubeError)?.isNotFound == true }
        }
    }

    @Test func staleResourceVersionConflicts() async throws {
        try await TestCluster.with { cluster in
            var object = try await cluster.client.create(Fixtures.configMap("cas", namespace: cluster.namespace))
            object.json[path: ["data", "a"]] = "2"
            let updated = try await cluster.client.update(object)
            #expect(Int(updated.resourceVersion!)! > Int(object.resourceVersion!)!)
            object.json[path: ["data", "a"]] = "3"
            await #expect { try await cluster.client.update(object) } throws: { ($0 as? KubeError)?.isConflict == true }
        }
    }

    @Test func generationMovesOnSpecChangesOnlyAndStatusIsASeparateSubresource() async throws {
        try await TestCluster.with(simulate: false) { cluster in
            var deployment = try await cluster.client.create(Fixtures.deployment("gen", namespace: cluster.namespace))
            #expect(deployment.generation == 1)
            deployment.labels = ["touched": "yes"]
            deployment = try await cluster.client.update(deployment)
            #expect(deployment.generation == 1)
            deployment.json[path: ["spec", "replicas"]] = 5
            deployment.status = ["replicas": 99]
            deployment = try await cluster.client.update(deployment)
            #expect(deployment.generation == 2)
            #expect(deployment.status?["replicas"] == nil)
            deployment.status = ["replicas": 7]
            deployment.json[path: ["spec", "replicas"]] = 1
            let afterStatus = try await cluster.client.updateStatus(deployment)
            #expect(afterStatus.status?["replicas"] == 7)
            #expect(afterStatus.spec?["replicas"] == 5)
        }
    }

    @Test func invalidNamesAreRejectedWith422() async throws {
        try await TestCluster.with { cluster in
            for name in ["Upper", "under_score", "-dash", String(repeating: "a", count: 254)] {
                await #expect {
                    try await cluster.client.create(Fixtures.configMap(name, namespace: cluster.namespace))
                } throws: { ($0 as? KubeError)?.code == 422 }
            }
        }
    }

    @Test func listPaginatesAndFiltersBySelectors() async throws {
        try await TestCluster.with { cluster in
            for i in 0..<7 {
                _ = try await cluster.client.create(
                    Fixtures.configMap(
                        "item-\(i)", namespace: cluster.namespace,
                        labels: ["parity": i % 2 == 0 ? "even" : "odd"]))
            }
            let page = try await cluster.client.list(.configMaps, namespace: cluster.namespace, limit: 3)
            #expect(page.items.count == 3)
            #expect(page.continueToken != nil)
            let all = try await cluster.client.listAll(.configMaps, namespace: cluster.namespace, pageSize: 3)
            #expect(Set(all.items.map(\.name)).isSuperset(of: (0..<7).map { "item-\($0)" }))
            let even = try await cluster.client.list(
                .configMaps, namespace: cluster.namespace, labelSelector: "parity=even")
            #expect(even.items.count == 4)
            let named = try await cluster.client.list(
                .configMaps, namespace: cluster.namespace,
                fieldSelector: "metadata.name=item-3")
            #expect(named.items.map(\.name) == ["item-3"])
        }
    }

    @Test func creatingInAMissingNamespaceFails() async throws {
        try await TestCluster.with { cluster in
            await #expect {
                try await cluster.client.create(Fixtures.configMap("x", namespace: "does-not-exist"))
            } throws: { ($0 as? KubeError)?.isNotFound == true }
        }
    }

    @Test func scaleSubresourceReadsAndWritesReplicas() async throws {
        try await TestCluster.with(simulate: false) { cluster in
            _ = try await cluster.client.create(
                Fixtures.deployment("scaled", namespace: cluster.namespace, replicas: 2))
            let scale = try await cluster.client.getScale(.deployments, namespace: cluster.namespace, name: "scaled")
            #expect(scale.kind == "Scale")
            #expect(scale.spec?["replicas"] == 2)
            _ = try await cluster.client.scale(.deployments, namespace: cluster.namespace, name: "scaled", replicas: 4)
            let deployment = try await cluster.client.get(.deployments, namespace: cluster.namespace, name: "scaled")
            #expect(deployment.spec?["replicas"] == 4)
        }
    }
}

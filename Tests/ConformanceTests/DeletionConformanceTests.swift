import Kube
import KubeTestSupport
import Testing

@Suite struct DeletionConformanceTests {
    @Test func finalizersHoldDeletionUntilRemoved() async throws {
        try await TestCluster.with { cluster in
            var object = Fixtures.configMap("held", namespace: cluster.namespace)
            object.finalizers = ["capstan.io/test"]
            _ = try await cluster.client.create(object)
            let pending = try await cluster.client.delete(.configMaps, namespace: cluster.namespace, name: "held")
            #expect(pending?.deletionTimestamp != nil)
            var live = try await cluster.client.get(.configMaps, namespace: cluster.namespace, name: "held")
            live.finalizers = []
            _ = try await cluster.client.update(live)
            await #expect {
                try await cluster.client.get(.configMaps, namespace: cluster.namespace, name: "held")
            } throws: { ($0 as? KubeError)?.isNotFound == true }
        }
    }

    @Test func ownerDeletionCollectsDependentsUnlessOrphaned() async throws {
        try await TestCluster.with(simulate: false) { cluster in
            let ns = cluster.namespace
            for policy in [PropagationPolicy.background, .foreground, .orphan] {
                let owner = try await cluster.client.create(
                    Fixtures.configMap("owner-\(policy.rawValue.lowercased())", namespace: ns))
                var child = Fixtures.configMap("child-\(policy.rawValue.lowercased())", namespace: ns)
                child.ownerReferences = [OwnerReference(controlledBy: owner)]
                _ = try await cluster.client.create(child)
                try await cluster.client.delete(.configMaps, namespace: ns, name: owner.name, propagation: policy)
                let survived = try await cluster.eventually(timeout: .seconds(5)) {
                    let children = try await cluster.client.list(.configMaps, namespace: ns).items.map(\.name)
                    return children.contains(child.name) == (policy == .orphan)
                }
                #expect(survived, "policy \(policy.rawValue)")
            }
        }
    }

    @Test func deletePreconditionsAreChecked() async throws {
        try await TestCluster.with { cluster in
            _ = try await cluster.client.create(Fixtures.configMap("pre", namespace: cluster.namespace))
            await #expect {
                try await cluster.client.delete(
                    .configMaps, namespace: cluster.namespace, name: "pre", preconditionUID: "wrong")
            } throws: { ($0 as? KubeError)?.isConflict == true }
        }
    }

    @Test func deletingANamespaceRemovesItsContents() async throws {
        try await TestCluster.with { cluster in
            _ = try await cluster.client.create(
                KubeObject(apiVersion: "v1", kind: "Namespace", name: "doomed-\(cluster.namespace)"))
            _ = try await cluster.client.create(Fixtures.configMap("c", namespace: "doomed-\(cluster.namespace)"))
            try await cluster.client.delete(.namespaces, name: "doomed-\(cluster.namespace)")
            #expect(
                try await cluster.eventually {
                    do {
                        _ = try await cluster.client.get(.namespaces, name: "doomed-\(cluster.namespace)")
                        return false
                    } catch { return (error as? KubeError)?.isNotFound == true }
                })
        }
    }
}

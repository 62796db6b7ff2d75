import Kube
import KubeTestSupport
import Testing

@Suite struct PatchConformanceTests {
    @Test func allFourPatchTypes() async throws {
        try await TestCluster.with(simulate: false) { cluster in
            let ns = cluster.namespace
            _ = try await cluster.client.create(Fixtures.deployment("p", namespace: ns))
            _ = try await cluster.client.patch(
                .deployments, namespace: ns, name: "p", type: .merge,
                patch: ["metadata": ["labels": ["m": "1"]]])
            _ = try await cluster.client.patch(
                .deployments, namespace: ns, name: "p", type: .json,
                patch: [["op": "replace", "path": "/spec/replicas", "value": 3]])
            _ = try await cluster.client.patch(
                .deployments, namespace: ns, name: "p", type: .strategicMerge,
                patch: [
                    "spec": ["template": ["spec": ["containers": [["name": "sidecar", "image": "busybox"]]]]]
                ])
            let result = try await cluster.client.get(.deployments, namespace: ns, name: "p")
            #expect(result.labels["m"] == "1")
            #expect(result.spec?["replicas"] == 3)
            let names = result.json[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.compactMap {
                $0["name"]?.stringValue
            }
            // kube-apiserver puts a new element first (recording 32 of ../shared/kube-apiserver-1.25) ...
            #expect(names == ["sidecar", "app"])
            // ... unless $setElementOrder orders the list (recording 33).
            let ordered = try await cluster.client.patch(
                .deployments, namespace: ns, name: "p", type: .strategicMerge,
                patch: [
                    "spec": [
                        "template": [
                            "spec": [
                                "$setElementOrder/containers": [
                                    ["name": "app"], ["name": "sidecar"], ["name": "third"],
                                ],
                                "containers": [["name": "third", "image": "busybox"]],
                            ]
                        ]
                    ]
                ])
            #expect(
                ordered.json[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.compactMap {
                    $0["name"]?.stringValue
                } == ["app", "sidecar", "third"])
        }
    }

    @Test func serverSideApplyTracksManagersAndReportsConflicts() async throws {
        try await TestCluster.with(simulate: false) { cluster in
            let ns = cluster.namespace
            var desired = Fixtures.configMap("ssa", namespace: ns, data: ["a": "1", "b": "2"])
            let applied = try await cluster.client.apply(desired, fieldManager: "capstan")
            #expect(applied.managedFields.contains { $0["manager"] == "capstan" && $0["operation"] == "Apply" })
            _ = try await cluster.client.patch(
                .configMaps, namespace: ns, name: "ssa", type: .merge,
                patch: ["data": ["a": "changed"]], fieldManager: "someone-else")
            await #expect { try await cluster.client.apply(desired, fieldManager: "capstan") } throws: { error in
                guard let error = error as? KubeError else { return false }
                return error.code == 409 && error.message.contains("someone-else") && error.message.contains(".data.a")
            }
            let forced = try await cluster.client.apply(desired, fieldManager: "capstan", force: true)
            #expect(forced.json[path: ["data", "a"]] == "1")
            desired.json["data"] = ["a": "1"]
            let pruned = try await cluster.client.apply(desired, fieldManager: "capstan")
            #expect(pruned.json[path: ["data", "b"]] == nil)
        }
    }

    /// A manager's entry keeps its time while other managers write other fields; a write that changes no field
    /// changes no entry (as kube-apiserver does).
    @Test func untouchedManagerEntriesKeepTheirTime() async throws {
        try await TestCluster.with(simulate: false) { cluster in
            let ns = cluster.namespace
            _ = try await cluster.client.create(
                Fixtures.configMap("times", namespace: ns, data: ["a": "1"]), fieldManager: "first")
            // managedFields times have a resolution of one second.
            try await Task.sleep(for: .milliseconds(1100))
            let patched = try await cluster.client.patch(
                .configMaps, namespace: ns, name: "times", type: .merge, patch: ["data": ["b": "2"]],
                fieldManager: "second")
            let entries = patched.managedFields
            let first = try #require(entries.first { $0["manager"] == "first" })
            let second = try #require(entries.first { $0["manager"] == "second" })
            #expect(first["time"] != second["time"])
            let again = try await cluster.client.patch(
                .configMaps, namespace: ns, name: "times", type: .merge, patch: ["data": ["b": "2"]],
                fieldManager: "third")
            #expect(again.managedFields == entries)
        }
    }

    @Test func applyCreatesMissingObjects() async throws {
        try await TestCluster.with(simulate: false) { cluster in
            let before = try await cluster.client.list(.configMaps, namespace: cluster.namespace).resourceVersion
            let created = try await cluster.client.apply(
                Fixtures.configMap("fresh", namespace: cluster.namespace),
                fieldManager: "capstan")
            #expect(created.uid != nil)
            #expect(created.managedFields.map { $0["operation"] } == ["Apply"])
            #expect(created.managedFields.first?["manager"] == "capstan")
            let stream = try await cluster.client.watch(
                .configMaps, namespace: cluster.namespace, resourceVersion: before)
            _ = try await cluster.client.create(Fixtures.configMap("marker", namespace: cluster.namespace))
            var events: [String] = []
            for try await event in stream where event.type != .bookmark {
                events.append("\(event.type.rawValue) \(event.object.name)")
                if event.object.name == "marker" { break }
            }
            #expect(events == ["ADDED fresh", "ADDED marker"])
        }
    }
}

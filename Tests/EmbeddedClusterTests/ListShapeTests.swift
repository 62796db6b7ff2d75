import Foundation
import Kube
import KubeTestSupport
import NIOHTTP1
import Testing

@testable import EmbeddedCluster

/// Lists answer in kube-apiserver's shape (recording 14): items carry no `kind` or `apiVersion`; the list
/// names them once. GET and watch keep them, as on the real server.
@Suite struct ListShapeTests {
    @Test func listItemsLeaveKindAndAPIVersionOut() async throws {
        try await TestCluster.with(simulate: false) { cluster in
            _ = try await cluster.client.create(Fixtures.configMap("a", namespace: cluster.namespace))
            let response = try await cluster.client.sendRaw(
                method: .GET, path: "/api/v1/namespaces/\(cluster.namespace)/configmaps")
            let list = try JSON.parse(response.body)
            #expect(list["kind"] == "ConfigMapList" && list["apiVersion"] == "v1")
            let items = try #require(list["items"]?.arrayValue)
            #expect(!items.isEmpty && items.allSatisfy { $0["kind"] == nil && $0["apiVersion"] == nil })
            #expect(items.contains { $0[path: ["data", "a"]] == "1" })
            // The typed client fills them in again from the list.
            let typed = try await cluster.client.list(.configMaps, namespace: cluster.namespace).items
            #expect(typed.allSatisfy { $0.kind == "ConfigMap" && $0.apiVersion == "v1" })
            let single = try await cluster.client.get(.configMaps, namespace: cluster.namespace, name: "a")
            #expect(single.kind == "ConfigMap")
        }
    }

    @Test func onlyTopLevelMembersAreStripped() throws {
        let stored: JSON = [
            "apiVersion": "v1", "data": ["kind": "keep", "text": #"a "kind":"ConfigMap" b"#],
            "kind": "ConfigMap", "metadata": ["name": "x", "ownerReferences": [["kind": "ConfigMap", "name": "o"]]],
        ]
        let stripped = try JSON.parse(ListItemBytes.strip(stored.serializedBytes()))
        var expected = stored
        expected["apiVersion"] = nil
        expected["kind"] = nil
        #expect(stripped == expected)
        let lastMember = try JSON.parse(ListItemBytes.strip(Array(#"{"a":1,"kind":"X"}"#.utf8)))
        #expect(lastMember == ["a": 1])
    }
}

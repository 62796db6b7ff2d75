import Foundation
import Testing

@testable import Kube

/// kube-apiserver's list items carry no `kind` or `apiVersion` (recorded in
/// `../shared/kube-apiserver-1.25/14-list-configmaps.json`); the client fills them in from the resource, so
/// informers, diffs and health see typed objects on a real cluster as they do on the embedded one.
@Suite struct RealListShapeTests {
    static let recordings = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/kube-apiserver-1.25")

    @Test(arguments: [("14-list-configmaps.json", "ConfigMap"), ("49-list-pods.json", "Pod")])
    func listItemsFromARealServerAreTyped(file: String, kind: String) throws {
        let recording = try JSON.parse(Array(try Data(contentsOf: Self.recordings.appendingPathComponent(file))))
        let items = try #require(recording[path: ["response", "body", "items"]]?.arrayValue)
        #expect(!items.isEmpty && items.allSatisfy { $0["kind"] == nil && $0["apiVersion"] == nil })
        let info = APIResourceInfo(
            gvr: GroupVersionResource(group: "", version: "v1", resource: kind.lowercased() + "s"),
            kind: kind, namespaced: true)
        for item in items {
            let typed = KubeClient.typed(item, as: info)
            #expect(typed.kind == kind && typed.apiVersion == "v1")
            #expect(typed.json["metadata"] == item["metadata"])
        }
    }
}

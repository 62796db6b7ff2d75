import Foundation
import Kube
import KubeTestSupport
import NIOHTTP1
import Testing

/// The Tables a real kube-apiserver answered (`../shared/kube-apiserver-1.25/40-43`), asked again of the
/// embedded server: the same columns (names, types, priorities), and cells of the same JSON types.
@Suite struct RecordedTableTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../shared/kube-apiserver-1.25").standardized

    static func shape(_ cell: JSON) -> String {
        switch cell {
        case .int, .double: "number"
        case .string: "string"
        default: "other"
        }
    }

    @Test(arguments: ["40-table-pods", "41-table-deployments", "42-table-replicasets", "43-table-configmaps"])
    func tablesHaveTheRealServersShape(recording: String) async throws {
        let file = Self.directory.appendingPathComponent(recording + ".json")
        try #require(FileManager.default.fileExists(atPath: file.path), "recording \(file.path) is missing")
        let recorded = try JSON.parse(Array(try Data(contentsOf: file)))
        let request = try #require(recorded["request"])
        let expected = try #require(recorded[path: ["response", "body"]])
        try await TestCluster.with { cluster in
            _ = try await cluster.client.create(Fixtures.deployment("web", namespace: cluster.namespace))
            _ = try await cluster.client.create(Fixtures.configMap("a", namespace: cluster.namespace))
            let pathAndQuery = (request["path"]?.stringValue ?? "").replacingOccurrences(
                of: "/namespaces/golden/", with: "/namespaces/\(cluster.namespace)/")
            let parts = pathAndQuery.split(separator: "?", maxSplits: 1).map(String.init)
            let query =
                parts.count > 1
                ? parts[1].split(separator: "&").map { pair -> (String, String) in
                    let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
                    return (kv[0], kv.count > 1 ? kv[1] : "")
                } : []
            let accept = request[path: ["headers", "Accept"]]?.stringValue ?? ""
            var answer = JSON.null
            #expect(
                try await cluster.eventually(timeout: .seconds(120)) {
                    let response = try await cluster.client.sendRaw(
                        method: .GET, path: parts[0], query: query, accept: accept)
                    answer = try JSON.parse(response.body)
                    return response.status == 200 && !(answer["rows"]?.arrayValue ?? []).isEmpty
                })
            #expect(answer["kind"] == expected["kind"] && answer["apiVersion"] == expected["apiVersion"])
            func columns(_ table: JSON) -> [[JSON?]] {
                (table["columnDefinitions"]?.arrayValue ?? []).map { [$0["name"], $0["type"], $0["priority"]] }
            }
            #expect(columns(answer) == columns(expected))
            let expectedCells = expected["rows"]?[0]?["cells"]?.arrayValue?.map(Self.shape)
            let cells = answer["rows"]?[0]?["cells"]?.arrayValue?.map(Self.shape)
            #expect(cells == expectedCells)
            #expect(answer["rows"]?[0]?[path: ["object", "kind"]] == expected["rows"]?[0]?[path: ["object", "kind"]])
        }
    }
}

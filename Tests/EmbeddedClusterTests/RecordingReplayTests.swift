import Foundation
import Kube
import KubeTestSupport
import NIOHTTP1
import Testing

/// Every request recorded from a real kube-apiserver (`../shared/kube-apiserver-1.25/`), replayed in order
/// against the embedded server in a fresh namespace: the same status code and a body of the same structure
/// (the key paths of the real answer, with map keys that are data left out). Where a recording depended
/// on the real server's state (resource versions, pod names) the replay substitutes the embedded server's.
@Suite struct RecordingReplayTests {
    static let directory = RecordedTableTests.directory

    /// Paths in our answers that the real one lacks, each with the reason the difference is kept.
    static let acceptedExtras: [String: String] = [:]

    /// Objects whose keys are data (names, labels, field sets), not structure.
    static let dataMaps: Set<String> = [
        "data", "labels", "annotations", "fieldsV1", "matchLabels", "paths", "definitions", "binaryData",
        "limits", "requests", "capacity", "allocatable",
    ]

    /// The key paths of a document: objects by key, array elements merged under `[]`.
    static func keyPaths(_ json: JSON, prefix: String = "", into paths: inout Set<String>) {
        switch json {
        case .object(let members):
            for (key, value) in members {
                let path = prefix.isEmpty ? key : "\(prefix).\(key)"
                paths.insert(path)
                if !dataMaps.contains(key) { keyPaths(value, prefix: path, into: &paths) }
            }
        case .array(let items):
            for item in items { keyPaths(item, prefix: prefix + "[]", into: &paths) }
        default: break
        }
    }

    static func keyPaths(_ json: JSON) -> Set<String> {
        var paths = Set<String>()
        keyPaths(json, into: &paths)
        return paths
    }

    static func recording(_ name: String) throws -> JSON {
        let file = directory.appendingPathComponent(name + ".json")
        try #require(FileManager.default.fileExists(atPath: file.path), "recording \(file.path) is missing")
        return try JSON.parse(Array(try Data(contentsOf: file)))
    }

    static var requestRecordings: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// Replays one recording (with `golden` renamed and `adjust` applied to its body) and compares.
    func replay(
        _ name: String, cluster: TestCluster, namespace: String, path override: String? = nil,
        adjust: (inout JSON) -> Void = { _ in }
    ) async throws -> JSON {
        let recorded = try Self.recording(name)
        let request = try #require(recorded["request"])
        let expected = try #require(recorded["response"])
        let rename = { (text: String) in text.replacingOccurrences(of: "golden", with: namespace) }
        let pathAndQuery = override ?? rename(request["path"]?.stringValue ?? "")
        let parts = pathAndQuery.split(separator: "?", maxSplits: 1).map(String.init)
        let query: [(String, String)] =
            parts.count > 1
            ? parts[1].split(separator: "&").map { pair in
                let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
                return (kv[0], (kv.count > 1 ? kv[1] : "").removingPercentEncoding ?? "")
            } : []
        var body = try request["body"].flatMap { $0 == .null ? nil : try JSON.parse(rename($0.serialized())) }
        if body != nil { adjust(&body!) }
        let response = try await cluster.client.sendRaw(
            method: HTTPMethod(rawValue: request["method"]?.stringValue ?? "GET"), path: parts[0], query: query,
            body: body?.serializedBytes(),
            contentType: request[path: ["headers", "Content-Type"]]?.stringValue ?? "application/json",
            accept: request[path: ["headers", "Accept"]]?.stringValue ?? "application/json")
        let answer = try JSON.parse(response.body)
        #expect(
            response.status == expected["status"]?.intValue.map(Int.init),
            "\(name): \(response.status) \(String(decoding: response.body.prefix(300), as: UTF8.self))")
        compare(name, real: expected["body"] ?? .null, ours: answer)
        return answer
    }

    func compare(_ name: String, real: JSON, ours: JSON) {
        let realPaths = Self.keyPaths(real)
        let ourPaths = Self.keyPaths(ours)
        let missing = realPaths.subtracting(ourPaths).sorted()
        let extra = ourPaths.subtracting(realPaths).filter { Self.acceptedExtras[$0] == nil }.sorted()
        #expect(missing.isEmpty, "\(name): the real server's answer has \(missing) and ours does not")
        #expect(extra.isEmpty, "\(name): our answer has \(extra) and the real server's does not")
        if real["kind"] == "Status" {
            #expect(ours["reason"] == real["reason"] && ours["code"] == real["code"], "\(name): \(ours)")
        }
    }

    @Test func recordedRequestsGetAnswersOfTheRealServersShape() async throws {
        try await TestCluster.with { cluster in
            let ns = "golden-\(UUID().uuidString.prefix(8).lowercased())"
            for name in Self.requestRecordings {
                switch name {
                case "60-watch-stream", "61-watch-too-old-rv", "71-openapi-v2": continue  // their own tests
                case "31-get-deployment-after-rollout":
                    try await rolledOut(cluster, namespace: ns, containers: 1)
                    _ = try await replay(name, cluster: cluster, namespace: ns)
                case "33-strategic-merge-setElementOrder":
                    // Recorded once the sidecar of 32 had rolled out: no unavailable replicas in its status.
                    try await rolledOut(cluster, namespace: ns, containers: 2)
                    _ = try await replay(name, cluster: cluster, namespace: ns)
                case "40-table-pods":
                    try await rolledOut(cluster, namespace: ns, containers: 3)
                    _ = try await replay(name, cluster: cluster, namespace: ns)
                case "50-pod-log":
                    let pods = try await cluster.client.list(.pods, namespace: ns).items
                    let pod = try #require(pods.first { $0.spec?["containers"]?.arrayValue?.count == 3 })
                    _ = try await replay(
                        name, cluster: cluster, namespace: ns, path: "/api/v1/namespaces/\(ns)/pods/\(pod.name)/log")
                case "19-update":
                    let current = try await cluster.client.get(.configMaps, namespace: ns, name: "a")
                    _ = try await replay(name, cluster: cluster, namespace: ns) { body in
                        body[path: ["metadata", "resourceVersion"]] = .string(current.resourceVersion ?? "")
                        body[path: ["metadata", "uid"]] = .string(current.uid ?? "")
                    }
                case "20-update-stale-rv-409":
                    _ = try await replay(name, cluster: cluster, namespace: ns) { body in
                        body[path: ["metadata", "resourceVersion"]] = "1"
                        body[path: ["metadata", "uid"]] = nil
                    }
                default:
                    _ = try await replay(name, cluster: cluster, namespace: ns)
                }
            }
        }
    }

    /// Waits until Deployment `web` has all its replicas up to date, with pods of `containers` containers.
    func rolledOut(_ cluster: TestCluster, namespace: String, containers: Int) async throws {
        let deployments = GroupVersionResource(group: "apps", version: "v1", resource: "deployments")
        #expect(
            try await cluster.eventually(timeout: .seconds(120)) {
                let web = try await cluster.client.get(deployments, namespace: namespace, name: "web")
                let pods = try await cluster.client.list(.pods, namespace: namespace).items
                return web.status?["updatedReplicas"] == 2 && web.status?["availableReplicas"] == 2
                    && web.status?["replicas"] == 2 && pods.count == 2
                    && pods.allSatisfy { $0.spec?["containers"]?.arrayValue?.count == containers }
            })
    }
}

/// The recordings that are not one request and one answer: a watch with bookmarks (60), a watch from an old
/// resourceVersion (61) and the OpenAPI v2 document (71).
extension RecordingReplayTests {
    @Test func aWatchStreamHasTheRealServersEventsAndBookmark() async throws {
        let recorded = try Self.recording("60-watch-stream").arrayValue ?? []
        try await TestCluster.with { cluster in
            let ns = cluster.namespace
            let start = try await cluster.client.list(.configMaps, namespace: ns).resourceVersion
            // The changes first, then the watch from before them: the server replays them from its history,
            // so the stream is the same however slowly this machine runs.
            _ = try await cluster.client.create(
                KubeObject(apiVersion: "v1", kind: "ConfigMap", name: "w", namespace: ns))
            _ = try await cluster.client.patch(
                .configMaps, namespace: ns, name: "w", type: .merge, patch: ["data": ["x": "y"]])
            try await cluster.client.delete(.configMaps, namespace: ns, name: "w")
            let response = try await cluster.client.sendRaw(
                method: .GET, path: "/api/v1/namespaces/\(ns)/configmaps",
                query: [
                    ("watch", "1"), ("resourceVersion", start), ("allowWatchBookmarks", "true"),
                    ("timeoutSeconds", "2"), ("fieldSelector", "metadata.name=w"),
                ])
            #expect(response.status == 200)
            let events = try String(decoding: response.body, as: UTF8.self).split(separator: "\n").map {
                try JSON.parse(String($0))
            }
            let types = events.compactMap { $0["type"]?.stringValue }
            #expect(Array(types.prefix(3)) == ["ADDED", "MODIFIED", "DELETED"], "\(types)")
            #expect(types.last == "BOOKMARK", "\(types)")
            for real in recorded.dropFirst() {
                guard let ours = events.first(where: { $0["type"] == real["type"] }) else { continue }
                var (realEvent, ourEvent) = (real, ours)
                // The recorded objects were written without managedFields; ours carry them, as real ones do.
                realEvent[path: ["object", "metadata", "managedFields"]] = nil
                ourEvent[path: ["object", "metadata", "managedFields"]] = nil
                compare("60-watch-stream \(real["type"]?.stringValue ?? "")", real: realEvent, ours: ourEvent)
            }
        }
    }

    /// kube-apiserver answers a watch from resourceVersion 1 with the events it still holds (k3s keeps them
    /// all, recording 61) or, once they are compacted away, an ERROR event carrying a 410 Expired Status.
    @Test func aWatchFromAnOldResourceVersionIsAnEventStream() async throws {
        let recorded = try Self.recording("61-watch-too-old-rv")
        try await TestCluster.with { cluster in
            let response = try await cluster.client.sendRaw(
                method: .GET, path: "/api/v1/namespaces/\(cluster.namespace)/configmaps",
                query: [("watch", "1"), ("resourceVersion", "1"), ("timeoutSeconds", "1")])
            #expect(response.status == recorded["status"]?.intValue.map(Int.init))
            let first = try JSON.parse(
                String(String(decoding: response.body, as: UTF8.self).split(separator: "\n").first ?? ""))
            if first["type"] == "ERROR" {
                #expect(first["object"]?["code"] == 410 && first["object"]?["reason"] == "Expired", "\(first)")
            } else {
                #expect(first["type"] == "ADDED", "\(first)")
                compare("61-watch-too-old-rv", real: recorded["first_line"] ?? [:], ours: first)
            }
        }
    }

    /// Fields a 1.25 definition has that Kubernetes 1.32 dropped, which the embedded server (1.32) lacks.
    static let removedSince125: Set<String> = [
        "io.k8s.api.core.v1.PersistentVolumeClaimStatus.resizeStatus", "io.k8s.api.networking.v1.NetworkPolicy.status",
    ]

    @Test func theOpenAPIv2DocumentHasTheRealServersStructure() async throws {
        let real = try Self.recording("71-openapi-v2")
        try await TestCluster.with { cluster in
            let response = try await cluster.client.sendRaw(method: .GET, path: "/openapi/v2")
            #expect(response.status == 200)
            let ours = try JSON.parse(response.body)
            #expect(Set(ours.objectValue?.keys ?? [:].keys) == Set(real.objectValue?.keys ?? [:].keys))
            let realDefinitions = real["definitions"]?.objectValue ?? [:]
            let ourDefinitions = ours["definitions"]?.objectValue ?? [:]
            var compared = 0
            var served: [String: Set<String>] = [:]  // group version → kinds, from discovery
            for (name, definition) in realDefinitions {
                guard let kind = definition["x-kubernetes-group-version-kind"]?[0],
                    let group = kind["group"]?.stringValue, let version = kind["version"]?.stringValue,
                    let kindName = kind["kind"]?.stringValue
                else { continue }
                let gv = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
                if served[gv] == nil {
                    let list = try await cluster.client.sendRaw(method: .GET, path: gv)
                    let resources = list.status == 200 ? try JSON.parse(list.body)["resources"]?.arrayValue ?? [] : []
                    served[gv] = Set(resources.compactMap { $0["kind"]?.stringValue })
                }
                guard served[gv]?.contains(kindName) == true, !kindName.hasSuffix("List") else { continue }
                let mine = try #require(ourDefinitions[name], "no definition \(name)")
                let missing = Set(definition["properties"]?.objectValue?.keys ?? [:].keys)
                    .subtracting(mine["properties"]?.objectValue?.keys ?? [:].keys)
                    .filter { !Self.removedSince125.contains("\(name).\($0)") }
                #expect(missing.isEmpty, "\(name) lacks \(missing)")
                compared += 1
            }
            #expect(compared >= 40, "only \(compared) kinds compared")
        }
    }
}

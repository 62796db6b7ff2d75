import Foundation
import Kube
import KubeTestSupport
import Sync
import Testing

/// Git content written to hurt: an alias bomb and a broken Secret. Each is a ComparisonError on its own
/// Application that names the file and position (never a Secret's value), and the other Applications go on
/// syncing and self-healing.
@Suite(.serialized) struct HostileContentTests {
    static let aliasBomb: String = {
        var text =
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for (name, previous) in zip("bcdefghij", "abcdefghi") {
            text +=
                "  \(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
        }
        return text
    }()

    static let brokenSecret = """
        apiVersion: v1
        kind: Secret
        metadata: {name: creds}
        stringData:
          password: "hunter2-do-not-leak
          user: admin
        """

    @Test func hostileFilesFailTheirOwnApplicationOnly() async throws {
        try await SyncHarness.with { h in
            try h.repo.commit([
                "bomb/a.yaml": Self.aliasBomb, "leaky/secret.yaml": Self.brokenSecret,
                "good/a.yaml": Manifests.configMap("good", ["v": "1"]),
            ])
            try await h.createApp("bomb", path: "bomb", automated: [:])
            try await h.createApp("leaky", path: "leaky", automated: [:])
            try await h.createApp("good", path: "good", automated: ["selfHeal": true])
            #expect(try await h.waitForApp("good") { $0.syncStatus == "Synced" })
            func comparisonError(_ status: JSON) -> String {
                (status["conditions"]?.arrayValue ?? []).first { $0["type"] == "ComparisonError" }?["message"]?
                    .stringValue ?? ""
            }
            #expect(try await h.waitForApp("bomb") { comparisonError($0).contains("expands to more than") })
            #expect(try await h.waitForApp("leaky") { comparisonError($0).contains("secret.yaml") })
            let leaky = comparisonError(try await h.app("leaky").status ?? [:])
            #expect(leaky.contains("line ") && !leaky.contains("hunter2"), "\(leaky)")
            // The Event about the broken Secret is written, without its value.
            #expect(
                try await h.cluster.eventually(event: {
                    $0.json[path: ["involvedObject", "name"]] == "leaky" && $0.json["reason"] == "ComparisonError"
                }))
            let events = try await h.client.list(.events, namespace: h.namespace).items
            #expect(!events.contains { ($0.json["message"]?.stringValue ?? "").contains("hunter2") })

            // The healthy Application is still looked after.
            _ = try await h.client.patch(
                .configMaps, namespace: h.namespace, name: "good", type: .merge,
                patch: ["data": ["v": "drifted"]])
            #expect(try await h.cluster.eventually { await h.configMap("good")?.json[path: ["data", "v"]] == "1" })
        }
    }
}

import Foundation
import Kube
import KubeTestSupport
import Sync
import Testing

/// Every source type is rendered for real or refused by name: Jsonnet through Debian's `jsonnet` (libs,
/// extVars and tlas as Argo CD passes them); a config management plugin, or a chart whose repository cannot
/// be reached, is a ComparisonError naming it, never an empty, "Synced" render.
@Suite(.serialized) struct SourceTypeTests {
    static let library = """
        {
          configMap(name, data):: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: name }, data: data },
        }
        """

    static let app = """
        local lib = import 'lib.libsonnet';
        function(replicas=1) [
          lib.configMap('jsonnet-a', { env: std.extVar('env') }),
          [lib.configMap('jsonnet-b', { replicas: std.toString(replicas * 2) })],
        ]
        """

    @Test func jsonnetRendersWithLibsExtVarsAndTLAs() async throws {
        try await SyncHarness.with { h in
            try h.repo.commit(["jsonnet/app.jsonnet": Self.app, "shared/lib.libsonnet": Self.library])
            let directory: JSON = [
                "jsonnet": [
                    "libs": ["shared"], "extVars": [["name": "env", "value": "prod"]],
                    "tlas": [["name": "replicas", "value": "3", "code": true]],
                ]
            ]
            try await h.createApp(
                "jsonnet", path: "jsonnet", automated: [:],
                extraSpec: [
                    "source": [
                        "repoURL": .string(h.repo.fileURL), "path": "jsonnet", "targetRevision": "main",
                        "directory": directory,
                    ]
                ])
            let synced = try await h.waitForApp("jsonnet") { $0.syncStatus == "Synced" }
            let report = try await h.statusAndEvents("jsonnet")
            #expect(synced, "\(report)")
            #expect(await h.configMap("jsonnet-a")?.json["data"] == ["env": "prod"])
            #expect(await h.configMap("jsonnet-b")?.json["data"] == ["replicas": "6"])
        }
    }

    @Test func pluginsAndUnreachableChartRepositoriesAreComparisonErrorsThatNameThem() async throws {
        try await SyncHarness.with { h in
            try h.repo.commit(["plain/a.yaml": Manifests.configMap("plain", ["v": "1"])])
            try await h.createApp(
                "plugin", path: "plain", automated: [:],
                extraSpec: [
                    "source": [
                        "repoURL": .string(h.repo.fileURL), "path": "plain", "targetRevision": "main",
                        "plugin": ["name": "argocd-vault-plugin"],
                    ]
                ])
            try await h.createApp(
                "chart", path: "", automated: [:],
                extraSpec: [
                    "source": ["repoURL": "http://127.0.0.1:1/charts", "chart": "nginx", "targetRevision": "15.0.0"]
                ])
            func error(_ status: JSON) -> String {
                (status["conditions"]?.arrayValue ?? []).first { $0["type"] == "ComparisonError" }?["message"]?
                    .stringValue ?? ""
            }
            #expect(try await h.waitForApp("plugin") { error($0).contains("source.plugin 'argocd-vault-plugin'") })
            #expect(
                try await h.waitForApp("chart") {
                    error($0).contains("fetching chart nginx 15.0.0 from http://127.0.0.1:1/charts")
                })
            #expect(try await h.app("plugin").status?.syncStatus != "Synced")
            #expect(await h.configMap("plain") == nil)
        }
    }
}

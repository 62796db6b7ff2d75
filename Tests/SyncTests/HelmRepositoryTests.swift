import Foundation
import Kube
import KubeTestSupport
import Testing

@testable import Sync

/// Charts named by `repoURL` + `chart` + `targetRevision`, as Argo CD names them: from a Helm repository
/// over HTTP with credentials from a repository Secret, and from an OCI registry (Debian's docker-registry),
/// both fetched and rendered by real Helm. The chart's version is the Application's revision.
@Suite(.serialized) struct HelmRepositoryTests {
    @Test func chartFromAHelmRepositoryWithCredentials() async throws {
        let root = try Self.temporaryFolder("helm-repo")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let archive = try Self.packageChart(into: root)
        let server = try await LocalHTTPServer.files(root: root, username: "charts", password: "s3cret")
        try await withAwaitedTeardown(server, teardown: { await $0.stop() }) { server in
            let url = "http://127.0.0.1:\(server.port)"
            try Self.helm("helm_repo_index_generate", root, JSON.object(["base_url": .string(url)]).serialized())
            #expect(FileManager.default.fileExists(atPath: archive))
            try await SyncHarness.with { h in
                try await Self.repositorySecret(h, url: url, extra: ["username": "charts", "password": "s3cret"])
                try await Self.createChartApp(h, "from-repo", repoURL: url, version: "0.1.*")
                #expect(
                    try await h.waitForApp("from-repo") { $0.syncStatus == "Synced" && $0.healthStatus == "Healthy" })
                #expect(try await h.app("from-repo").status?[path: ["sync", "revision"]] == "0.1.0")
                #expect(await h.configMap("site-web")?.json[path: ["data", "chart"]] == "web-0.1.0")

                // Another spelling of the host matches no Secret: the repository's 401 is the error shown.
                try await Self.createChartApp(
                    h, "anonymous", repoURL: "http://localhost:\(server.port)", version: "0.1.0", release: "anon")
                #expect(
                    try await h.waitForApp("anonymous") {
                        ($0["conditions"]?.arrayValue ?? []).contains {
                            $0["type"] == "ComparisonError" && ($0["message"]?.stringValue ?? "").contains("401")
                        }
                    })
            }
        }
    }

    @Test(.enabled(if: RegistryServer.available)) func chartFromAnOCIRegistry() async throws {
        let root = try Self.temporaryFolder("helm-oci")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let archive = try Self.packageChart(into: root)
        let registry = try RegistryServer()
        defer { registry.stop() }
        let remote = "oci://\(registry.host)/charts"
        try Self.helm("helm_push", client: 0, archive, remote, #"{"plain_http":true}"#)
        try await SyncHarness.with { h in
            try await Self.repositorySecret(h, url: remote, extra: ["insecureOCIForceHttp": "true"])
            try await Self.createChartApp(h, "from-oci", repoURL: remote, version: "0.1.0")
            #expect(try await h.waitForApp("from-oci") { $0.syncStatus == "Synced" })
            #expect(try await h.app("from-oci").status?[path: ["sync", "revision"]] == "0.1.0")
            #expect(await h.configMap("site-web")?.json[path: ["data", "chart"]] == "web-0.1.0")
        }
    }

    static func createChartApp(
        _ h: SyncHarness, _ name: String, repoURL: String, version: String, release: String = "site"
    ) async throws {
        try await h.createApp(
            name, path: "", automated: [:],
            extraSpec: [
                "source": [
                    "repoURL": .string(repoURL), "chart": "web", "targetRevision": .string(version),
                    "helm": ["releaseName": .string(release)],
                ]
            ])
    }

    static func repositorySecret(_ h: SyncHarness, url: String, extra: [String: String]) async throws {
        var data: [String: JSON] = ["type": "helm", "url": .string(url)]
        for (key, value) in extra { data[key] = .string(value) }
        var secret = KubeObject(
            apiVersion: "v1", kind: "Secret", name: "charts", namespace: h.namespace,
            body: ["stringData": .object(data)])
        secret.json[path: ["metadata", "labels"]] = ["argocd.argoproj.io/secret-type": "repository"]
        _ = try await h.client.create(secret)
    }

    /// Writes a small chart and packages it with Helm (`helm package`); returns the archive's path.
    static func packageChart(into root: String) throws -> String {
        let chart = root + "/src/web"
        try FileManager.default.createDirectory(atPath: chart + "/templates", withIntermediateDirectories: true)
        try "apiVersion: v2\nname: web\nversion: 0.1.0\n".write(
            toFile: chart + "/Chart.yaml", atomically: true, encoding: .utf8)
        try """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: {{ .Release.Name }}-web}
        data: {chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | quote }}}
        """.write(toFile: chart + "/templates/cm.yaml", atomically: true, encoding: .utf8)
        return try helm("helm_package_run", chart, JSON.object(["destination": .string(root)]).serialized())
    }

    @discardableResult
    static func helm(_ function: String, _ first: String, _ second: String) throws -> String {
        let library = try HelmLibrary.shared.get()
        let call = try library.function(function, HelmLibrary.TwoStrings.self)
        return try library.string(function) { out, error in
            first.withCString { a in second.withCString { b in call(a, b, out, error) } }
        }
    }

    static func helm(_ function: String, client: UInt64, _ a: String, _ b: String, _ c: String) throws {
        let library = try HelmLibrary.shared.get()
        let call = try library.function(function, HelmLibrary.HandleThreeStrings.self)
        _ = try library.string(function) { out, error in
            a.withCString { a in b.withCString { b in c.withCString { c in call(client, a, b, c, out, error) } } }
        }
    }

    static func temporaryFolder(_ name: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "capstan-\(name)-\(UUID().uuidString.prefix(8))"
        ).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

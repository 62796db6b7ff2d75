import Foundation
import Kube
import Testing

@testable import Sync

/// What Capstan hands to `helm template`: the staged chart and value files, including Argo CD's multi-source
/// `$ref/path` value files. (No `helm` binary exists in Debian, so the chart is not rendered here; the
/// staged files and the argument list are what this code owns.)
@Suite struct HelmStagingTests {
    let chart = SourceTree(
        files: [
            "charts/web/Chart.yaml": Array("name: web\nversion: 0.1.0\n".utf8),
            "charts/web/values.yaml": Array("replicas: 1\n".utf8),
            "charts/web/templates/cm.yaml": Array("kind: ConfigMap\n".utf8),
        ], root: "charts/web")
    let references = ["values": ["env/prod.yaml": Array("replicas: 3\n".utf8)]]

    func staged(_ helm: JSON, references: [String: [String: [UInt8]]]? = nil) throws -> (arguments: [String], work: URL)
    {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent(
            "capstan-helm-test-\(UUID().uuidString.prefix(8))")
        let renderer = HelmRenderer(
            options: helm, appName: "web", namespace: "prod", references: references ?? self.references)
        return (try renderer.stage(chart, in: work), work)
    }

    @Test func refValueFilesAreStagedFromTheReferencedSource() throws {
        let (arguments, work) = try staged([
            "releaseName": "site", "valueFiles": ["values.yaml", "$values/env/prod.yaml"],
            "parameters": [
                ["name": "image.tag", "value": "1.2"], ["name": "port", "value": "80", "forceString": true],
            ],
        ])
        defer { try? FileManager.default.removeItem(at: work) }
        #expect(Array(arguments.prefix(4)) == ["template", "site", work.path, "--include-crds"])
        #expect(
            try String(contentsOf: work.appendingPathComponent("templates/cm.yaml"), encoding: .utf8)
                == "kind: ConfigMap\n")
        let valueFiles = arguments.indices.filter { arguments[$0] == "--values" }.map { arguments[$0 + 1] }
        #expect(valueFiles.count == 2)
        #expect(valueFiles[0] == work.appendingPathComponent("values.yaml").path)
        #expect(try String(contentsOfFile: valueFiles[1], encoding: .utf8) == "replicas: 3\n")
        #expect(arguments.contains("--namespace") && arguments.contains("prod"))
        #expect(arguments.suffix(4) == ["--set", "image.tag=1.2", "--set-string", "port=80"])
    }

    @Test func missingReferencesAndFilesAreClearErrors() throws {
        #expect {
            _ = try staged(["valueFiles": ["$config/prod.yaml"]])
        } throws: { "\($0)".contains("source ref 'config'") }
        #expect {
            _ = try staged(["valueFiles": ["$values/env/staging.yaml"]])
        } throws: { "\($0)".contains("'$values/env/staging.yaml' does not exist") }
        let (arguments, work) = try staged([
            "valueFiles": ["$values/env/staging.yaml", "missing.yaml", "https://example.com/v.yaml"],
            "ignoreMissingValueFiles": true,
        ])
        defer { try? FileManager.default.removeItem(at: work) }
        #expect(arguments.filter { $0 == "--values" }.count == 1)
        #expect(arguments.contains("https://example.com/v.yaml"))
    }
}

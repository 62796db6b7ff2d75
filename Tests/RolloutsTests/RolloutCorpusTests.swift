import Foundation
import Kube
import KubeTestSupport
import Logging
import Rollouts
import Testing

/// Every example of Argo Rollouts (`../shared/corpus/argo-rollouts-examples/`), applied to the embedded
/// cluster as it is: each Rollout either rolls out (Healthy) or is refused with an `InvalidSpec` condition
/// naming what is missing or not supported, never left hanging without a word.
@Suite struct RolloutCorpusTests {
    @Test func everyExampleRollsOutOrSaysWhy() async throws {
        try await TestCluster.with { cluster in
            let controller = RolloutController(client: cluster.client, logger: Logger(label: "test.corpus"))
            try await controller.start()
            try await withAwaitedTeardown(controller, teardown: { await $0.stop() }) { _ in
                var rollouts: [(namespace: String, name: String, file: String)] = []
                var notYAML: [String] = []
                for (index, file) in RolloutLintTests.corpusFiles.enumerated() {
                    let namespace = "\(cluster.namespace)-\(index)"
                    _ = try await cluster.client.create(
                        KubeObject(apiVersion: "v1", kind: "Namespace", name: namespace))
                    let text = try String(contentsOf: file, encoding: .utf8)
                    for chunk in text.components(separatedBy: "\n---") {
                        // One document of the corpus is not YAML (an unquoted `{{...}}`); the rest of its file
                        // still applies, as `kubectl apply` of the other documents would.
                        let document: JSON
                        do {
                            document = try YAML.parse(chunk)
                        } catch {
                            notYAML.append(file.lastPathComponent)
                            continue
                        }
                        guard document.objectValue != nil else { continue }
                        var object = KubeObject(document)
                        if object.kind != "ClusterAnalysisTemplate" { object.namespace = namespace }
                        if object.kind == "Rollout" {
                            rollouts.append((namespace, object.name, file.lastPathComponent))
                        }
                        // Kinds of other projects (Istio, SMI...) are not served unless their CRDs are installed,
                        // and cluster-scoped templates are shared between files.
                        if let refused = try await Self.create(object, cluster.client) {
                            #expect(
                                refused.isNotFound || refused.isAlreadyExists, "\(file.lastPathComponent): \(refused)")
                        }
                    }
                }
                #expect(rollouts.count >= 21)
                #expect(notYAML == ["rollout-linkerd.yaml"])
                var unsettled: [String] = []
                _ = try await cluster.eventually(timeout: .seconds(120)) {
                    unsettled = []
                    for (namespace, name, file) in rollouts {
                        let status = try await cluster.client.get(
                            RolloutController.gvr, namespace: namespace, name: name
                        )
                        .status
                        let invalid = (status?["conditions"]?.arrayValue ?? []).contains {
                            $0["type"] == "InvalidSpec" && !($0["message"]?.stringValue ?? "").isEmpty
                        }
                        if status?["phase"] != "Healthy" && !invalid {
                            unsettled.append(
                                "\(file) \(name): \(status?["phase"] ?? .null) \(status?["message"] ?? .null)")
                        }
                    }
                    return unsettled.isEmpty
                }
                #expect(unsettled.isEmpty, "\(unsettled)")
            }
        }
    }

    /// Creates `object`; the error of a refused create, nil when it was made.
    static func create(_ object: KubeObject, _ client: KubeClient) async throws -> KubeError? {
        do {
            _ = try await client.create(object)
            return nil
        } catch {
            return error
        }
    }
}

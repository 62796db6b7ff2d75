import Foundation
import Kube
import KubeTestSupport
import Testing

@testable import EmbeddedCluster

/// The OpenAPI documents, through kubectl 1.32: `kubectl explain` reads them, `kubectl apply` and `edit`
/// leave unknown-field validation to the server (which answers as kube-apiserver's strict decoder does), and
/// their strategic merge patches (merge keys, `$retainKeys`) apply as on a real server.
@Suite struct OpenAPITests {
    static let widgetCRD = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: gadgets.openapi.example.com}
        spec:
          group: openapi.example.com
          scope: Namespaced
          names: {plural: gadgets, singular: gadget, kind: Gadget}
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    description: What the gadget should be.
                    properties:
                      size: {type: integer, description: How big the gadget is.}
                      labels: {type: object, additionalProperties: {type: string}}
                      free: {type: object, x-kubernetes-preserve-unknown-fields: true}
        """

    static func kubectl(_ arguments: [String], _ kc: String, input: String? = nil) async throws -> KubectlTests.Result {
        try await KubectlTests.kubectl(arguments, kubeconfig: kc, input: input)
    }

    @Test func explainReadsBuiltInAndCustomSchemas() async throws {
        try await TestCluster.with { cluster in
            let kc = try cluster.kubeconfigPath()
            let strategy = try await Self.kubectl(["explain", "deployment.spec.strategy"], kc)
            #expect(strategy.status == 0, "\(strategy.output)")
            #expect(strategy.output.contains("FIELD: strategy <DeploymentStrategy>"), "\(strategy.output)")
            #expect(strategy.output.contains("rollingUpdate\t<RollingUpdateDeployment>"), "\(strategy.output)")
            let ports = try await Self.kubectl(["explain", "pods.spec.containers.ports"], kc)
            #expect(ports.output.contains("containerPort\t<integer>"), "\(ports.output)")
            let crd = try await Self.kubectl(["apply", "-f", "-"], kc, input: Self.widgetCRD)
            #expect(crd.status == 0, "\(crd.output)")
            #expect(
                try await cluster.eventually(timeout: .seconds(60)) {
                    let gadget = try await Self.kubectl(["explain", "gadget.spec"], kc)
                    return gadget.output.contains("What the gadget should be.")
                        && gadget.output.contains("size\t<integer>") && gadget.output.contains("How big the gadget is.")
                })
        }
    }

    @Test func unknownFieldsAreRefusedOrWarnedAndNeverStored() async throws {
        try await TestCluster.with { cluster in
            let kc = try cluster.kubeconfigPath()
            let ns = ["-n", cluster.namespace]
            let typo = KubectlTests.deployment.replacingOccurrences(
                of: "replicas: 2", with: "replicas: 2\n  replica: 3")
            let strict = try await Self.kubectl(["apply", "-f", "-"] + ns, kc, input: typo)
            #expect(strict.status != 0)
            #expect(
                strict.output.contains(
                    "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: "
                        + "unknown field \"spec.replica\""), "\(strict.output)")
            let warned = try await Self.kubectl(["apply", "--validate=warn", "-f", "-"] + ns, kc, input: typo)
            #expect(warned.status == 0, "\(warned.output)")
            #expect(warned.output.contains("Warning: unknown field \"spec.replica\""), "\(warned.output)")
            let stored = try await cluster.client.get(
                GroupVersionResource(group: "apps", version: "v1", resource: "deployments"),
                namespace: cluster.namespace, name: "web")
            #expect(stored.spec?["replica"] == nil && stored.spec?["replicas"] == 2)
            // An update is checked where it changes the stored object.
            let patch = #"{"spec":{"replica":4}}"#
            let patched = try await Self.kubectl(
                ["patch", "deployment", "web", "--type", "merge", "-p", patch] + ns, kc)
            #expect(patched.output.contains("Warning: unknown field \"spec.replica\""), "\(patched.output)")
            let afterPatch = try await cluster.client.get(
                GroupVersionResource(group: "apps", version: "v1", resource: "deployments"),
                namespace: cluster.namespace, name: "web")
            #expect(afterPatch.spec?["replica"] == nil)

            _ = try await Self.kubectl(["apply", "-f", "-"], kc, input: Self.widgetCRD)
            let gadget = """
                apiVersion: openapi.example.com/v1
                kind: Gadget
                metadata: {name: g1}
                spec: {size: 3, colour: red, labels: {a: b}, free: {anything: [1, {x: 2}]}}
                """
            #expect(
                try await cluster.eventually(timeout: .seconds(60)) {
                    let result = try await Self.kubectl(["apply", "-f", "-"] + ns, kc, input: gadget)
                    return result.output.contains("strict decoding error: unknown field \"spec.colour\"")
                })
            let ignored = try await Self.kubectl(["apply", "--validate=false", "-f", "-"] + ns, kc, input: gadget)
            #expect(ignored.status == 0 && !ignored.output.contains("Warning"), "\(ignored.output)")
            let spec = try await Self.kubectl(["get", "gadget", "g1", "-o", "jsonpath={.spec}"] + ns, kc)
            #expect(
                try JSON.parse(spec.output)
                    == ["size": 3, "labels": ["a": "b"], "free": ["anything": [1, ["x": 2]]]], "\(spec.output)")
        }
    }

    @Test func applyAndEditPatchAsOnARealServer() async throws {
        try await TestCluster.with { cluster in
            let kc = try cluster.kubeconfigPath()
            let ns = ["-n", cluster.namespace]
            let first = try await Self.kubectl(["apply", "-f", "-"] + ns, kc, input: KubectlTests.deployment)
            #expect(first.status == 0, "\(first.output)")
            // A second container merges by name; switching to Recreate drops rollingUpdate ($retainKeys).
            let changed =
                KubectlTests.deployment.replacingOccurrences(
                    of: "      - name: web\n        image: nginx:1.25",
                    with: "      - name: web\n        image: nginx:1.26\n      - name: side\n        image: busybox")
                + "\n  strategy: {type: Recreate}\n"
            #expect(changed.contains("name: side"))
            let second = try await Self.kubectl(["apply", "-f", "-"] + ns, kc, input: changed)
            #expect(second.status == 0, "\(second.output)")
            let deployment = try await cluster.client.get(
                GroupVersionResource(group: "apps", version: "v1", resource: "deployments"),
                namespace: cluster.namespace, name: "web")
            #expect(deployment.spec?["strategy"] == ["type": "Recreate"])
            let images = deployment.spec?[path: ["template", "spec", "containers"]]?.arrayValue?.compactMap {
                $0["image"]?.stringValue
            }
            #expect(images == ["nginx:1.26", "busybox"])

            let edit = try await ChildProcess.run(
                [
                    "env", "EDITOR=sed -i s/replicas:\\ 2/replicas:\\ 4/", "kubectl", "--kubeconfig", kc, "edit",
                    "deployment", "web",
                ] + ns)
            #expect(edit.status == 0 && edit.output.contains("edited"), "\(edit.output)")
            let edited = try await Self.kubectl(["get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"] + ns, kc)
            #expect(edited.output == "4")
        }
    }

    @Test func documentsDeclareEveryServedKind() async throws {
        try await TestCluster.with { cluster in
            let kc = try cluster.kubeconfigPath()
            let v2 = try JSON.parse(try await Self.kubectl(["get", "--raw", "/openapi/v2"], kc).output)
            let kinds = Set(
                (v2["definitions"]?.objectValue ?? [:]).values.compactMap {
                    $0["x-kubernetes-group-version-kind"]?[0]?["kind"]?.stringValue
                })
            for kind in ["Deployment", "Pod", "PodDisruptionBudget", "NetworkPolicy", "CustomResourceDefinition"] {
                #expect(kinds.contains(kind), "no v2 definition for \(kind)")
            }
            let index = try JSON.parse(try await Self.kubectl(["get", "--raw", "/openapi/v3"], kc).output)
            let apps = index["paths"]?["apis/apps/v1"]?["serverRelativeURL"]?.stringValue ?? ""
            #expect(apps.hasPrefix("/openapi/v3/apis/apps/v1?hash="), "\(apps)")
            let document = try JSON.parse(try await Self.kubectl(["get", "--raw", apps], kc).output)
            let containers = document[path: ["components", "schemas", "io.k8s.api.core.v1.PodSpec", "properties"]]?[
                "containers"]
            #expect(containers?["x-kubernetes-patch-merge-key"] == "name")
            #expect(document[path: ["components", "schemas", "io.k8s.api.apps.v1.Deployment"]] != nil)
        }
    }

    /// kubectl reads `/openapi/v2` only in gnostic's protobuf form: to validate a kind the v3 documents do not
    /// describe, and for `explain --output plaintext-openapiv2`.
    @Test func theProtobufV2DocumentServesKubectlsFallbacks() async throws {
        try await TestCluster.with { cluster in
            let kc = try cluster.kubeconfigPath()
            let rollout =
                "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: demo, namespace: default}\n"
            let uninstalled = try await Self.kubectl(["apply", "-f", "-"], kc, input: rollout)
            #expect(uninstalled.status != 0)
            #expect(
                uninstalled.output.contains("no matches for kind \"Rollout\" in version \"argoproj.io/v1alpha1\"")
                    && uninstalled.output.contains("ensure CRDs are installed first"), "\(uninstalled.output)")
            let strategy = try await Self.kubectl(
                ["explain", "deployment.spec.strategy", "--output", "plaintext-openapiv2"], kc)
            #expect(strategy.status == 0, "\(strategy.output)")
            #expect(strategy.output.contains("RESOURCE: strategy <Object>"), "\(strategy.output)")
            #expect(strategy.output.contains("rollingUpdate\t<Object>"), "\(strategy.output)")
            _ = try await Self.kubectl(["apply", "-f", "-"], kc, input: Self.widgetCRD)
            #expect(
                try await cluster.eventually(timeout: .seconds(60)) {
                    let gadget = try await Self.kubectl(
                        ["explain", "gadget.spec", "--output", "plaintext-openapiv2"], kc)
                    return gadget.output.contains("What the gadget should be.")
                        && gadget.output.contains("size\t<integer>")
                })
        }
    }
}

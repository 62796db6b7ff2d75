import Foundation
import Kube
import KubeTestSupport
import Logging
import Rollouts
import Testing

/// Canary weights carried by traffic routers, asserted on the objects they write (the embedded cluster has no
/// data plane, as Argo's own end-to-end tests assert on objects): Argo's `rollout-linkerd.yaml` (SMI) with an
/// NGINX Ingress, an Istio VirtualService and a Gateway API HTTPRoute routed alongside.
@Suite struct RolloutTrafficTests {
    static let file = RolloutLintTests.corpus.appendingPathComponent("traffic-management/rollout-linkerd.yaml")
    static let virtualServices = GroupVersionResource(
        group: "networking.istio.io", version: "v1beta1", resource: "virtualservices")
    static let trafficSplits = GroupVersionResource(
        group: "split.smi-spec.io", version: "v1alpha3", resource: "trafficsplits")
    static let httpRoutes = GroupVersionResource(
        group: "gateway.networking.k8s.io", version: "v1", resource: "httproutes")
    static let ingresses = GroupVersionResource(group: "networking.k8s.io", version: "v1", resource: "ingresses")

    static let routed = """
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: web}
        spec:
          rules:
          - host: demo.example.com
            http:
              paths:
              - path: /
                pathType: Prefix
                backend: {service: {name: rollout-linkerd-stable, port: {number: 80}}}
        ---
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata: {name: web}
        spec:
          hosts: [demo.example.com]
          http:
          - name: primary
            route:
            - destination: {host: rollout-linkerd-stable}
              weight: 100
            - destination: {host: rollout-linkerd-canary}
              weight: 0
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: web}
        spec:
          rules:
          - backendRefs:
            - {name: rollout-linkerd-stable, port: 80, weight: 100}
            - {name: rollout-linkerd-canary, port: 80, weight: 0}
        """

    func apply(_ cluster: TestCluster, _ yaml: String) async throws {
        for document in try YAML.parseAll(yaml) where document != .null {
            var object = KubeObject(document)
            object.namespace = cluster.namespace
            _ = try await cluster.client.create(object)
        }
    }

    /// The canary weight each router's object carries.
    func weights(_ cluster: TestCluster) async throws -> [String: Int] {
        let ns = cluster.namespace
        var found: [String: Int] = [:]
        if let split = try await cluster.client.getIfExists(Self.trafficSplits, namespace: ns, name: "rollout-linkerd")
        {
            found["smi"] = split.spec?["backends"]?[0]?["weight"]?.intValue.map(Int.init)
        }
        if let canary = try await cluster.client.getIfExists(
            Self.ingresses, namespace: ns, name: "rollout-linkerd-web-canary")
        {
            found["nginx"] = canary.annotations["nginx.ingress.kubernetes.io/canary-weight"].flatMap { Int($0) }
        }
        let vs = try await cluster.client.get(Self.virtualServices, namespace: ns, name: "web")
        found["istio"] = vs.spec?["http"]?[0]?["route"]?[1]?["weight"]?.intValue.map(Int.init)
        let route = try await cluster.client.get(Self.httpRoutes, namespace: ns, name: "web")
        found["gateway"] = route.spec?["rules"]?[0]?["backendRefs"]?[1]?["weight"]?.intValue.map(Int.init)
        return found
    }

    func waitFor(_ cluster: TestCluster, phase: String, weight: Int, canaryReplicas: Int?) async throws {
        var last = ""
        let reached = try await cluster.eventually(timeout: .seconds(90)) {
            let rollout = try await cluster.client.get(
                RolloutController.gvr, namespace: cluster.namespace, name: "rollout-linkerd")
            let found = try await weights(cluster)
            let hash = rollout.status?["currentPodHash"]?.stringValue ?? ""
            let sets = try await cluster.client.list(.replicaSets, namespace: cluster.namespace).items
            let canary = sets.first { $0.labels["rollouts-pod-template-hash"] == hash }?.spec?["replicas"]?.intValue
            last = "\(rollout.status?["phase"] ?? .null) \(found) canary replicas \(canary.map(String.init) ?? "-")"
            return rollout.status?["phase"]?.stringValue == phase && found.count == 4
                && found.values.allSatisfy { $0 == weight }
                && (canaryReplicas == nil || canary == canaryReplicas.map(Int64.init))
        }
        #expect(reached, "wanted \(phase) at \(weight)%; last \(last)")
    }

    /// A router whose kind the cluster does not serve (SMI's CRD not installed) is an InvalidSpec naming it,
    /// and installing the CRD recovers the Rollout.
    @Test func aRouterKindTheClusterDoesNotServeIsReportedUntilInstalled() async throws {
        try await TestCluster.with { cluster in
            let ns = cluster.namespace
            let controller = RolloutController(
                client: cluster.client, namespace: ns, logger: Logger(label: "test.traffic"))
            try await controller.start()
            try await withAwaitedTeardown(controller, teardown: { await $0.stop() }) { _ in
                let documents = try String(contentsOf: Self.file, encoding: .utf8).components(separatedBy: "\n---\n")
                try await apply(
                    cluster, documents.filter { !$0.contains("kind: AnalysisTemplate") }.joined(separator: "\n---\n"))
                var message = ""
                let reported = try await cluster.eventually(timeout: .seconds(60)) {
                    let rollout = try await cluster.client.get(
                        RolloutController.gvr, namespace: ns, name: "rollout-linkerd")
                    let condition = rollout.status?["conditions"]?.arrayValue?.first { $0["type"] == "InvalidSpec" }
                    message = condition?["message"]?.stringValue ?? ""
                    return message.contains("TrafficSplit") && message.contains("install its CRD")
                }
                #expect(reported, "\(message)")
                try await CustomResources.ensure(
                    [
                        CustomResources.definition(
                            group: "split.smi-spec.io", version: "v1alpha3", plural: "trafficsplits",
                            kind: "TrafficSplit", shortNames: [])
                    ], client: cluster.client, served: Self.trafficSplits)
                #expect(
                    try await cluster.eventually(timeout: .seconds(90)) {
                        try await cluster.client.get(RolloutController.gvr, namespace: ns, name: "rollout-linkerd")
                            .status?["phase"] == "Healthy"
                    })
            }
        }
    }

    @Test func everyRouterCarriesTheCanaryWeight() async throws {
        try await TestCluster.with { cluster in
            let ns = cluster.namespace
            for (plural, kind, group, version) in [
                ("virtualservices", "VirtualService", "networking.istio.io", "v1beta1"),
                ("trafficsplits", "TrafficSplit", "split.smi-spec.io", "v1alpha3"),
                ("httproutes", "HTTPRoute", "gateway.networking.k8s.io", "v1"),
            ] {
                var crd = CustomResources.definition(
                    group: group, version: version, plural: plural, kind: kind, shortNames: [])
                // Gateway API's CRDs carry the approval that groups under k8s.io need, as the real ones do.
                if group.hasSuffix("k8s.io") {
                    crd.annotations = [
                        "api-approved.kubernetes.io": "https://github.com/kubernetes-sigs/gateway-api/pull/1538"
                    ]
                }
                try await CustomResources.ensure(
                    [crd], client: cluster.client,
                    served: GroupVersionResource(group: group, version: version, resource: plural))
            }
            let controller = RolloutController(
                client: cluster.client, namespace: ns, logger: Logger(label: "test.traffic"))
            try await controller.start()
            try await withAwaitedTeardown(controller, teardown: { await $0.stop() }) { _ in
                // The file's last document, a load-test AnalysisTemplate, is not YAML (an unquoted `{{...}}`):
                // only the Rollout and its Services are used.
                let documents = try String(contentsOf: Self.file, encoding: .utf8).components(separatedBy: "\n---\n")
                let manifest = documents.filter { !$0.contains("kind: AnalysisTemplate") }.joined(separator: "\n---\n")
                    .replacingOccurrences(
                        of: "          rootService: rollout-linkerd\n",
                        with: [
                            "          rootService: rollout-linkerd", "        nginx: {stableIngress: web}",
                            "        istio: {virtualService: {name: web, routes: [primary]}}",
                            "        plugins:", "          argoproj-labs/gatewayAPI: {httpRoute: web}", "",
                        ].joined(separator: "\n")
                    ).replacingOccurrences(of: "      - setWeight: 5\n", with: "      - setWeight: 20\n")
                try await apply(cluster, Self.routed)
                try await apply(cluster, manifest)
                try await waitFor(cluster, phase: "Healthy", weight: 0, canaryReplicas: 5)
                let stable = try await cluster.client.get(RolloutController.gvr, namespace: ns, name: "rollout-linkerd")
                let blue = stable.status?["stableRS"]?.stringValue ?? ""

                try await RolloutActions.perform(
                    .setImage(container: "rollouts-demo", image: "argoproj/rollouts-demo:green"),
                    name: "rollout-linkerd",
                    namespace: ns, client: cluster.client)
                // 20% of 5 replicas is one canary pod; the stable side keeps all five; the routers carry 20%.
                try await waitFor(cluster, phase: "Paused", weight: 20, canaryReplicas: 1)
                let split = try await cluster.client.get(Self.trafficSplits, namespace: ns, name: "rollout-linkerd")
                #expect(split.spec?["service"] == "rollout-linkerd" && split.spec?["backends"]?[1]?["weight"] == 80)
                let canaryService = try await cluster.client.get(
                    .services, namespace: ns, name: "rollout-linkerd-canary")
                let stableService = try await cluster.client.get(
                    .services, namespace: ns, name: "rollout-linkerd-stable")
                #expect(stableService.spec?["selector"]?["rollouts-pod-template-hash"]?.stringValue == blue)
                #expect(canaryService.spec?["selector"]?["rollouts-pod-template-hash"]?.stringValue != blue)
                let ingress = try await cluster.client.get(
                    Self.ingresses, namespace: ns, name: "rollout-linkerd-web-canary")
                #expect(ingress.annotations["nginx.ingress.kubernetes.io/canary"] == "true")
                #expect(
                    ingress.spec?["rules"]?[0]?["http"]?["paths"]?[0]?["backend"]?["service"]?["name"]
                        == "rollout-linkerd-canary")

                // Promoted past the last step: everything on the new version, the routers back to 0%.
                try await RolloutActions.perform(
                    .promote, name: "rollout-linkerd", namespace: ns, client: cluster.client)
                try await waitFor(cluster, phase: "Healthy", weight: 0, canaryReplicas: 5)
                let done = try await cluster.client.get(.services, namespace: ns, name: "rollout-linkerd-stable")
                #expect(done.spec?["selector"]?["rollouts-pod-template-hash"]?.stringValue != blue)
            }
        }
    }
}

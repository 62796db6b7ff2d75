import Foundation
import Kube
import KubeTestSupport
import Testing

/// What a real control plane adds and allocates, so typed clients and manifests find it here too: every
/// namespace's `default` ServiceAccount and `kube-root-ca.crt`, a Service's cluster IP, families and node
/// ports, a running container's `imageID`, and the built-in kinds charts hold, stored even where nothing
/// acts on them. Shapes follow `../shared/kube-apiserver-1.25/` (recordings 45 and 46).
@Suite struct ControlPlaneContentTests {
    static let serviceAccounts = GroupVersionResource(group: "", version: "v1", resource: "serviceaccounts")

    @Test func everyNamespaceGetsItsDefaultServiceAccountAndRootCA() async throws {
        try await TestCluster.with(simulate: false) { cluster in
            let account = try await cluster.client.get(
                Self.serviceAccounts, namespace: cluster.namespace, name: "default")
            #expect(account.uid != nil && account.managedFields.isEmpty)
            let ca = try await cluster.client.get(.configMaps, namespace: cluster.namespace, name: "kube-root-ca.crt")
            #expect(ca.json[path: ["data", "ca.crt"]] != nil)
            #expect(ca.managedFields.first?["manager"] == "kube-controller-manager")
            // The bootstrap namespaces have them too.
            #expect(
                try await cluster.client.getIfExists(Self.serviceAccounts, namespace: "default", name: "default") != nil
            )
        }
    }

    @Test func servicesGetAddressesThatStay() async throws {
        try await TestCluster.with(simulate: false) { cluster in
            let ns = cluster.namespace
            func service(_ name: String, _ spec: JSON) -> KubeObject {
                KubeObject(apiVersion: "v1", kind: "Service", name: name, namespace: ns, body: ["spec": spec])
            }
            let web = try await cluster.client.create(service("web", ["ports": [["port": 80]]]))
            let ip = try #require(web.spec?["clusterIP"]?.stringValue)
            #expect(ip.hasPrefix("10.96.") && web.spec?["clusterIPs"] == [.string(ip)])
            #expect(web.spec?["ipFamilies"] == ["IPv4"] && web.spec?["ipFamilyPolicy"] == "SingleStack")
            #expect(web.spec?["internalTrafficPolicy"] == "Cluster")
            let other = try await cluster.client.create(service("other", ["ports": [["port": 80]]]))
            #expect(other.spec?["clusterIP"]?.stringValue != ip)

            // A server-side apply that leaves clusterIP out keeps it; changing it is refused.
            let applied = try await cluster.client.apply(
                service("web", ["ports": [["port": 8080]]]), fieldManager: "test", force: true)
            #expect(applied.spec?["clusterIP"]?.stringValue == ip)
            await #expect(throws: KubeError.self) {
                _ = try await cluster.client.patch(
                    .services, namespace: ns, name: "web", type: .merge, patch: ["spec": ["clusterIP": "10.96.9.9"]])
            }

            let headless = try await cluster.client.create(
                service("headless", ["clusterIP": "None", "ports": [["port": 80]]]))
            #expect(headless.spec?["clusterIPs"] == ["None"])
            let node = try await cluster.client.create(service("node", ["type": "NodePort", "ports": [["port": 80]]]))
            let nodePort = try #require(node.spec?["ports"]?[0]?["nodePort"]?.intValue)
            #expect((30000...32767).contains(nodePort) && node.spec?["externalTrafficPolicy"] == "Cluster")
            let external = try await cluster.client.create(
                service("ext", ["type": "ExternalName", "externalName": "example.com"]))
            #expect(external.spec?["clusterIP"] == nil)
        }
    }

    @Test func runningContainersReportImageIDs() async throws {
        try await TestCluster.with { cluster in
            _ = try await cluster.client.create(
                KubeObject(
                    apiVersion: "v1", kind: "Pod", name: "p", namespace: cluster.namespace,
                    body: ["spec": ["containers": [["name": "app", "image": "nginx:1.25"]]]]))
            // Generous: other suites may keep the machine busy with thousands of simulated pods meanwhile.
            #expect(
                try await cluster.eventually(timeout: .seconds(120)) {
                    let pod = try await cluster.client.get(.pods, namespace: cluster.namespace, name: "p")
                    let status = pod.status?["containerStatuses"]?[0]
                    return status?["imageID"]?.stringValue?.hasPrefix("docker.io/library/nginx@sha256:") == true
                        && status?["containerID"]?.stringValue?.hasPrefix("containerd://") == true
                })
        }
    }

    /// The kinds most charts hold besides workloads: created, read back and listed like any other.
    @Test func storedKindsAreServed() async throws {
        try await TestCluster.with(simulate: false) { cluster in
            let ns = cluster.namespace
            let manifests: [(GroupVersionResource, String, JSON)] = [
                (
                    .init(group: "policy", version: "v1", resource: "poddisruptionbudgets"), "PodDisruptionBudget",
                    ["spec": ["minAvailable": 1, "selector": ["matchLabels": ["app": "web"]]]]
                ),
                (
                    .init(group: "networking.k8s.io", version: "v1", resource: "networkpolicies"), "NetworkPolicy",
                    ["spec": ["podSelector": [:], "policyTypes": ["Ingress"]]]
                ),
                (
                    .init(group: "", version: "v1", resource: "resourcequotas"), "ResourceQuota",
                    ["spec": ["hard": ["pods": "10"]]]
                ),
                (
                    .init(group: "", version: "v1", resource: "limitranges"), "LimitRange",
                    ["spec": ["limits": [["type": "Container", "default": ["cpu": "100m"]]]]]
                ),
                (
                    .init(group: "discovery.k8s.io", version: "v1", resource: "endpointslices"), "EndpointSlice",
                    ["addressType": "IPv4", "endpoints": []]
                ),
            ]
            for (gvr, kind, body) in manifests {
                let created = try await cluster.client.create(
                    KubeObject(
                        apiVersion: gvr.groupVersion.description, kind: kind, name: "x", namespace: ns,
                        body: body.objectValue ?? [:]))
                #expect(created.uid != nil, "\(kind)")
                #expect(try await cluster.client.list(gvr, namespace: ns).items.map(\.name).contains("x"), "\(kind)")
            }
            for (group, resource, kind) in [
                ("scheduling.k8s.io", "priorityclasses", "PriorityClass"),
                ("storage.k8s.io", "storageclasses", "StorageClass"),
                ("networking.k8s.io", "ingressclasses", "IngressClass"),
            ] {
                let gvr = GroupVersionResource(group: group, version: "v1", resource: resource)
                var body: [String: JSON] = [:]
                if kind == "PriorityClass" { body["value"] = 1000 }
                if kind == "StorageClass" { body["provisioner"] = "example.com/none" }
                let name = "x-\(ns)"
                _ = try await cluster.client.create(
                    KubeObject(apiVersion: "\(group)/v1", kind: kind, name: name, body: body))
                #expect(try await cluster.client.get(gvr, name: name).kind == kind)
                try await cluster.client.deleteIfExists(gvr, name: name)
            }
        }
    }
}

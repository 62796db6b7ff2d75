import Foundation
import Kube
import KubeTestSupport
import Testing

@testable import EmbeddedCluster

/// `kubectl get` prints the columns kube-apiserver's Tables carry (recordings 40-43 of
/// `../shared/kube-apiserver-1.25/`), and a custom resource's `additionalPrinterColumns`.
@Suite struct KubectlTableTests {
    /// A klog line's first field: severity letter, then month and day (`E1202`, `W0105`).
    static func isKlogLine(_ row: [String]) -> Bool {
        guard let first = row.first?.utf8, first.count >= 5, let severity = first.first else { return false }
        return "IWEF".utf8.contains(severity) && first.dropFirst().prefix(4).allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    static func lines(_ output: String) -> [[String]] {
        output.split(separator: "\n").map { line in
            line.split(separator: "  ", omittingEmptySubsequences: true).map { $0.trimmingCharacters(in: .whitespaces) }
        }
    }

    @Test func builtInKindsPrintTheirColumns() async throws {
        try await TestCluster.with { cluster in
            let kc = try cluster.kubeconfigPath()
            let ns = ["-n", cluster.namespace]
            let apply = try await KubectlTests.kubectl(
                ["apply", "-f", "-"] + ns, kubeconfig: kc, input: KubectlTests.deployment)
            #expect(apply.status == 0, "\(apply.output)")
            _ = try await cluster.client.create(
                KubeObject(
                    apiVersion: "v1", kind: "Service", name: "web", namespace: cluster.namespace,
                    body: ["spec": ["selector": ["app": "web"], "ports": [["port": 80]]]]))
            #expect(
                try await cluster.eventually(timeout: .seconds(120)) {
                    let out = try await KubectlTests.kubectl(["get", "deployment", "web"] + ns, kubeconfig: kc).output
                    return Self.lines(out).last?.prefix(2) == ["web", "2/2"]
                })
            let deployments = Self.lines(
                try await KubectlTests.kubectl(["get", "deploy", "-o", "wide"] + ns, kubeconfig: kc).output)
            #expect(
                deployments.first == [
                    "NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR",
                ])
            #expect(
                deployments.last.map { [$0[0], $0[1], $0[2], $0[3], $0[5], $0[6], $0[7]] } == [
                    "web", "2/2", "2", "2", "web", "nginx:1.25", "app=web",
                ])
            let pods = Self.lines(
                try await KubectlTests.kubectl(["get", "pods", "-o", "wide"] + ns, kubeconfig: kc).output)
            #expect(pods.first?.prefix(7) == ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE"])
            #expect(pods.dropFirst().allSatisfy { $0[1] == "1/1" && $0[2] == "Running" && $0[6] == "capstan-node-1" })
            let services = Self.lines(
                try await KubectlTests.kubectl(["get", "svc", "web"] + ns, kubeconfig: kc).output)
            #expect(services.first == ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"])
            #expect(
                services.last?[1] == "ClusterIP" && services.last?[2].hasPrefix("10.96.") == true
                    && services.last?[4] == "80/TCP")
            let labelled = try await KubectlTests.kubectl(
                ["get", "deploy", "--show-labels", "-L", "app"] + ns, kubeconfig: kc)
            #expect(Self.lines(labelled.output).first?.suffix(2) == ["APP", "LABELS"], "\(labelled.output)")
            let configMaps = Self.lines(
                try await KubectlTests.kubectl(["get", "cm", "kube-root-ca.crt"] + ns, kubeconfig: kc).output)
            #expect(configMaps == [["NAME", "DATA", "AGE"], ["kube-root-ca.crt", "1", configMaps.last?.last ?? ""]])
        }
    }

    @Test func customResourcesPrintTheirCRDsColumns() async throws {
        try await TestCluster.with(simulate: false) { cluster in
            let kc = try cluster.kubeconfigPath()
            let plural = "widgets\(cluster.namespace.filter(\.isLetter).prefix(8))"
            let crd = """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: \(plural).example.com}
                spec:
                  group: example.com
                  scope: Namespaced
                  names: {plural: \(plural), singular: w\(plural), kind: W\(plural), listKind: W\(plural)List}
                  versions:
                  - name: v1
                    served: true
                    storage: true
                    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
                    additionalPrinterColumns:
                    - {name: Size, type: integer, jsonPath: .spec.size}
                    - {name: Ready, type: string, jsonPath: '.status.conditions[?(@.type=="Ready")].status'}
                    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
                    - {name: Owner, type: string, jsonPath: .spec.owner, priority: 1}
                """
            #expect(try await KubectlTests.kubectl(["apply", "-f", "-"], kubeconfig: kc, input: crd).status == 0)
            defer {
                _ = Task { try await KubectlTests.kubectl(["delete", "crd", "\(plural).example.com"], kubeconfig: kc) }
            }
            let object = """
                apiVersion: example.com/v1
                kind: W\(plural)
                metadata: {name: first, namespace: \(cluster.namespace)}
                spec: {size: 3, owner: ops}
                status: {conditions: [{type: Synced, status: "False"}, {type: Ready, status: "True"}]}
                """
            #expect(
                try await cluster.eventually {
                    try await KubectlTests.kubectl(["apply", "-f", "-"], kubeconfig: kc, input: object).status == 0
                })
            let table = Self.lines(
                try await KubectlTests.kubectl(["get", plural, "-o", "wide", "-n", cluster.namespace], kubeconfig: kc)
                    .output)
            #expect(table.first == ["NAME", "SIZE", "READY", "AGE", "OWNER"])
            #expect(table.last.map { [$0[0], $0[1], $0[2], $0[4]] } == ["first", "3", "True", "ops"])
            _ = try await KubectlTests.kubectl(["delete", "crd", "\(plural).example.com"], kubeconfig: kc)
        }
    }

    /// `kubectl get --watch` asks for Tables on the watch too: each event carries a one-row Table. (The watch
    /// ends after 20 s: long enough for kubectl's discovery on a machine busy with other suites.)
    @Test func watchingPrintsRowsWithColumns() async throws {
        try await TestCluster.with(simulate: false) { cluster in
            let kc = try cluster.kubeconfigPath()
            let watcher = Task {
                try await KubectlTests.kubectl(
                    ["get", "configmaps", "--watch", "--request-timeout=20s", "-n", cluster.namespace], kubeconfig: kc)
            }
            try await Task.sleep(for: .seconds(2))
            _ = try await cluster.client.create(Fixtures.configMap("watched", namespace: cluster.namespace))
            let output = try await watcher.value.output
            // kubectl's own log lines (klog on stderr, `E1202 00:00:54.811048 ...`) are not rows: on a loaded
            // machine its discovery of some group can run into the 20 s request timeout, and it says so.
            let rows = Self.lines(output).filter { !Self.isKlogLine($0) }
            #expect(rows.first == ["NAME", "DATA", "AGE"], "\(output)")
            #expect(rows.contains { $0.first == "watched" && $0.count == 3 && $0[1] == "1" }, "\(output)")
        }
    }

    @Test func agesAndPathsFollowKubernetes() {
        let seconds: [Int] = [
            5, 119, 120, 185, 600, 3 * 3600 - 1, 5 * 3600 + 600, 30 * 3600, 3 * 86400 + 7200, 40 * 86400, 800 * 86400,
        ]
        let ages = seconds.map { HumanDuration.format(TimeInterval($0)) }
        #expect(ages == ["5s", "119s", "2m", "3m5s", "10m", "179m", "5h10m", "30h", "3d2h", "40d", "2y70d"])
        let object: JSON = [
            "metadata": ["labels": ["app.kubernetes.io/name": "web"]],
            "spec": ["ports": [["port": 80], ["port": 443]]],
        ]
        #expect(PrinterColumns.evaluate(".spec.ports[*].port", in: object) == [80, 443])
        #expect(PrinterColumns.evaluate(".spec.ports[-1].port", in: object) == [443])
        #expect(PrinterColumns.evaluate(".metadata.labels['app.kubernetes.io/name']", in: object) == ["web"])
    }
}

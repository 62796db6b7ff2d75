import EmbeddedCluster
import Foundation
import Kube
import KubeTestSupport
import Logging
import Testing

@Suite struct DurabilityAndWorkloadTests {
    @Test func objectsAndResourceVersionSurviveARestart() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("capstan-\(UUID()).sqlite").path
        var logger = Logger(label: "t")
        logger.logLevel = .error
        let first = try await EmbeddedCluster.start(.init(dataPath: path, simulateWorkloads: false), logger: logger)
        let client = try KubeClient(config: first.clusterConfig, logger: logger)
        let created = try await client.create(Fixtures.configMap("kept", namespace: "default"))
        try await client.shutdown()
        await first.stop()

        let second = try await EmbeddedCluster.start(.init(dataPath: path, simulateWorkloads: false), logger: logger)
        let again = try KubeClient(config: second.clusterConfig, logger: logger)
        let loaded = try await again.get(.configMaps, namespace: "default", name: "kept")
        #expect(loaded.uid == created.uid)
        let next = try await again.create(Fixtures.configMap("after", namespace: "default"))
        #expect(Int(next.resourceVersion!)! > Int(created.resourceVersion!)!)
        try await again.shutdown()
        await second.stop()
    }

    @Test func aBusyPortIsAnErrorNotAHang() async throws {
        var logger = Logger(label: "t")
        logger.logLevel = .critical
        let first = try await EmbeddedCluster.start(.init(simulateWorkloads: false), logger: logger)
        await #expect(throws: ConfigError.self) {
            _ = try await EmbeddedCluster.start(.init(port: first.port, simulateWorkloads: false), logger: logger)
        }
        await first.stop()
    }

    @Test func podsBecomeReadyAndServicesGetEndpoints() async throws {
        try await TestCluster.with { cluster in
            let ns = cluster.namespace
            _ = try await cluster.client.create(Fixtures.deployment("api", namespace: ns, replicas: 2))
            _ = try await cluster.client.create(
                KubeObject(
                    apiVersion: "v1", kind: "Service", name: "api", namespace: ns,
                    body: [
                        "spec": ["selector": ["app": "api"], "ports": [["port": 80, "targetPort": 8080]]]
                    ]))
            #expect(
                try await cluster.eventually {
                    let d = try await cluster.client.get(.deployments, namespace: ns, name: "api")
                    return d.status?["availableReplicas"] == 2
                })
            #expect(
                try await cluster.eventually {
                    let ep = try await cluster.client.get(.endpoints, namespace: ns, name: "api")
                    return ep.json["subsets"]?[0]?["addresses"]?.arrayValue?.count == 2
                })
            let pods = try await cluster.client.list(.pods, namespace: ns, labelSelector: "app=api").items
            #expect(pods.allSatisfy { $0.labels["pod-template-hash"] != nil })
        }
    }

    @Test func crashLoopingPodsNeverBecomeReady() async throws {
        try await TestCluster.with { cluster in
            var deployment = Fixtures.deployment("broken", namespace: cluster.namespace, replicas: 1)
            deployment.json[path: ["spec", "template", "metadata", "annotations"]] = [
                "capstan.io/simulate": "crash-loop"
            ]
            _ = try await cluster.client.create(deployment)
            #expect(
                try await cluster.eventually {
                    let pods = try await cluster.client.list(.pods, namespace: cluster.namespace).items
                    return pods.first?.status?["containerStatuses"]?[0]?["state"]?["waiting"]?["reason"]
                        == "CrashLoopBackOff"
                })
            let d = try await cluster.client.get(.deployments, namespace: cluster.namespace, name: "broken")
            #expect((d.status?["availableReplicas"]?.intValue ?? 0) == 0)
        }
    }

    @Test func jobsComplete() async throws {
        try await TestCluster.with { cluster in
            _ = try await cluster.client.create(
                KubeObject(
                    apiVersion: "batch/v1", kind: "Job", name: "once",
                    namespace: cluster.namespace,
                    body: [
                        "spec": [
                            "template": [
                                "spec": ["restartPolicy": "Never", "containers": [["name": "c", "image": "busybox"]]]
                            ]
                        ]
                    ]))
            #expect(
                try await cluster.eventually {
                    let job = try await cluster.client.get(.jobs, namespace: cluster.namespace, name: "once")
                    return job.status?["conditions"]?[0]?["type"] == "Complete"
                })
        }
    }
}

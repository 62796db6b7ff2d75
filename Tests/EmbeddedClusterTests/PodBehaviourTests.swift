import Foundation
import Kube
import KubeTestSupport
import Testing

@testable import EmbeddedCluster

/// Simulated pods that misbehave on purpose, chosen by image through the `kube-system/capstan-simulation`
/// ConfigMap (so an unchanged manifest with a "bad" image misbehaves) or by the pod template's annotation.
@Suite struct PodBehaviourTests {
    @Test func behavioursParse() {
        #expect(PodBehaviour("") == .healthy)
        #expect(PodBehaviour("never-ready") == .neverReady)
        #expect(PodBehaviour("ready-after=30s") == .readyAfter(.seconds(30)))
        #expect(PodBehaviour("ready-after=5m") == .readyAfter(.seconds(300)))
        #expect(PodBehaviour("ready-after=90") == .readyAfter(.seconds(90)))
        #expect(PodBehaviour("ready-after=soon") == nil)
        #expect(PodBehaviour("crashloop") == nil)
        #expect(PodBehaviour.readyAfter(.seconds(3)).isReady(runningFor: .seconds(2)) == false)
        #expect(PodBehaviour.readyAfter(.seconds(3)).isReady(runningFor: .seconds(3)))
        let parsed = PodBehaviour.imageMap("registry:5000/app:1: never-ready\n\n  app:2:  crash-loop \nnot a rule\n")
        #expect(parsed.map == ["registry:5000/app:1": "never-ready", "app:2": "crash-loop"])
        #expect(parsed.invalid == ["not a rule"])
    }

    static func deployment(_ name: String, image: String, namespace: String, annotation: String? = nil) -> KubeObject {
        var template: JSON = [
            "metadata": ["labels": ["app": .string(name)]],
            "spec": ["containers": [["name": "app", "image": .string(image)]]],
        ]
        if let annotation {
            template[path: ["metadata", "annotations"]] = [PodBehaviour.annotation: .string(annotation)]
        }
        return KubeObject(
            apiVersion: "apps/v1", kind: "Deployment", name: name, namespace: namespace,
            body: ["spec": ["replicas": 1, "selector": ["matchLabels": ["app": .string(name)]], "template": template]])
    }

    @Test func imagesNamedInTheConfigMapMisbehave() async throws {
        try await TestCluster.with { cluster in
            let ns = cluster.namespace
            _ = try await cluster.client.create(
                KubeObject(
                    apiVersion: "v1", kind: "ConfigMap", name: PodBehaviour.configMapName,
                    namespace: PodBehaviour.configMapNamespace,
                    body: [
                        "data": [
                            "images": "example/app:bad: never-ready\n  example/app:slow: ready-after=3s\nbad line\n"
                        ]
                    ]))
            for (name, image) in [("bad", "example/app:bad"), ("slow", "example/app:slow"), ("good", "example/app:1")] {
                _ = try await cluster.client.create(Self.deployment(name, image: image, namespace: ns))
            }
            func pod(_ app: String) async throws -> KubeObject? {
                try await cluster.client.list(.pods, namespace: ns).items.first { $0.labels["app"] == app }
            }
            func ready(_ pod: KubeObject?) -> Bool {
                pod?.status?["conditions"]?.arrayValue?.contains { $0["type"] == "Ready" && $0["status"] == "True" }
                    == true
            }
            #expect(try await cluster.eventually(timeout: .seconds(120)) { ready(try await pod("slow")) })
            let slow = try #require(try await pod("slow"))
            let started = try #require(slow.status?["startTime"]?.stringValue.flatMap(KubeTime.parse))
            let readyAt = try #require(
                slow.status?["conditions"]?.arrayValue?.first { $0["type"] == "Ready" }?["lastTransitionTime"]?
                    .stringValue.flatMap(KubeTime.parse))
            #expect(readyAt.timeIntervalSince(started) >= 2, "ready \(readyAt), started \(started)")
            #expect(try await cluster.eventually(timeout: .seconds(120)) { ready(try await pod("good")) })
            let bad = try #require(try await pod("bad"))
            #expect(bad.status?["phase"] == "Running" && !ready(bad))
            let warnings = try await cluster.client.list(.events, namespace: PodBehaviour.configMapNamespace).items
            #expect(
                warnings.contains {
                    $0.json["reason"] == "InvalidSimulatedBehaviour"
                        && $0.json["message"]?.stringValue?.contains("\"bad line\"") == true
                })
        }
    }

    @Test func anUnknownBehaviourIsAWarningAndThePodStaysHealthy() async throws {
        try await TestCluster.with { cluster in
            let ns = cluster.namespace
            _ = try await cluster.client.create(
                Self.deployment("typo", image: "example/app:1", namespace: ns, annotation: "crashloop"))
            #expect(
                try await cluster.eventually(timeout: .seconds(120)) {
                    let events = try await cluster.client.list(.events, namespace: ns).items
                    return events.contains {
                        $0.json["reason"] == "UnknownSimulatedBehaviour"
                            && $0.json["message"]?.stringValue?.contains("\"crashloop\"") == true
                            && $0.json["type"] == "Warning"
                    }
                })
            #expect(
                try await cluster.eventually(timeout: .seconds(120)) {
                    let pods = try await cluster.client.list(.pods, namespace: ns).items
                    return pods.first?.status?["containerStatuses"]?[0]?["ready"] == true
                })
        }
    }
}

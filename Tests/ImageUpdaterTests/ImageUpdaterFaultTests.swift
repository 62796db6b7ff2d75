import Foundation
import ImageUpdater
import Kube
import KubeTestSupport
import Sync
import Testing

/// Bad input and failing registries: each becomes an Event, a log line and the `ImageUpdaterError` condition
/// on the Application concerned; its other images and the other Applications keep being updated; nothing is
/// written from a failed check.
@Suite(.enabled(if: RegistryServer.available)) struct ImageUpdaterFaultTests {
    @Test func problemsAreReportedAndOthersKeepUpdating() async throws {
        try await ImageUpdaterHarness.with(files: { host in
            [
                "good/kustomization.yaml": "resources:\n- deployment.yaml\n",
                "good/deployment.yaml": ImageUpdaterHarness.deployment("good", image: "\(host)/demo/good:1.0.0"),
                "bad/kustomization.yaml": "resources:\n- deployment.yaml\n",
                "bad/deployment.yaml": ImageUpdaterHarness.deployment("bad", image: "\(host)/demo/bad:1.0.0"),
            ]
        }) { h in
            // A registry nothing listens on.
            let closed = try LoopbackPort.free()
            try await h.writeRegistriesConf(
                extra: "- name: down\n  prefix: 127.0.0.1:\(closed)\n  api_url: http://127.0.0.1:\(closed)\n")
            for repository in ["demo/good", "demo/bad"] { try await h.registry.push(repository, tag: "1.0.0") }
            try await h.createApp(
                "bad", path: "bad",
                annotations: [
                    "image-list":
                        "broken=\(h.registry.host)/demo/bad:>>1, down=127.0.0.1:\(closed)/demo/down, "
                        + "bad=\(h.registry.host)/demo/bad",
                    "down.force-update": "true",
                ])
            try await h.createApp("good", path: "good", annotations: ["image-list": "\(h.registry.host)/demo/good"])
            for repository in ["demo/good", "demo/bad"] { try await h.registry.push(repository, tag: "1.1.0") }
            // The usable image of the bad Application is updated, and so is the other Application.
            for name in ["good", "bad"] {
                #expect(
                    try await h.cluster.eventually(timeout: .seconds(60)) {
                        try await h.deploymentImage(name) == "\(h.registry.host)/demo/\(name):1.1.0"
                    })
            }
            let events = try await h.events(about: "bad")
            #expect(
                events.contains { $0.reason == "InvalidImageAnnotation" && $0.message.hasPrefix("broken.image-list") })
            #expect(
                events.contains {
                    $0.reason == "ImageCheckFailed" && $0.message.hasPrefix("down: ")
                        && $0.message.contains("127.0.0.1:\(closed)")
                })
            #expect(
                try await h.cluster.eventually {
                    let app = try await h.client.get(Sync.Application.gvr, namespace: h.namespace, name: "bad")
                    let condition = app.status?["conditions"]?.arrayValue?.first {
                        $0["type"]?.stringValue == ImageUpdateController.conditionType
                    }
                    let message = condition?["message"]?.stringValue ?? ""
                    return message.contains("broken.image-list") && message.contains("down: ")
                })
            let good = try await h.client.get(Sync.Application.gvr, namespace: h.namespace, name: "good")
            #expect(
                good.status?["conditions"]?.arrayValue?.contains {
                    $0["type"]?.stringValue == ImageUpdateController.conditionType
                } == false)
        }
    }

    /// `git:secret:` naming a Secret that is not there: the write-back fails with an Event naming it; nothing
    /// is committed.
    @Test func aMissingWriteBackSecretIsReportedAndNothingIsWritten() async throws {
        try await ImageUpdaterHarness.with(files: { host in
            [
                "app/kustomization.yaml": "resources:\n- deployment.yaml\n",
                "app/deployment.yaml": ImageUpdaterHarness.deployment("app", image: "\(host)/demo/app:1.0.0"),
            ]
        }) { h in
            try await h.registry.push("demo/app", tag: "1.0.0")
            try await h.registry.push("demo/app", tag: "1.1.0")
            try await h.createApp(
                "app", path: "app",
                annotations: [
                    "image-list": "\(h.registry.host)/demo/app",
                    "write-back-method": "git:secret:\(h.namespace)/absent",
                ])
            #expect(
                try await h.cluster.eventually(timeout: .seconds(60)) {
                    try await h.events(about: "app").contains {
                        $0.reason == "ImageWriteBackFailed"
                            && $0.message.contains("the write-back Secret \(h.namespace)/absent was not found")
                    }
                })
            #expect(try h.remoteGit("rev-list", "--count", "main") == "1")
            #expect(await h.images.writeBacks == 0)
        }
    }

    @Test func aRejectedRegistriesConfKeepsTheLastGoodOne() async throws {
        try await ImageUpdaterHarness.with(files: { host in
            [
                "app/kustomization.yaml": "resources:\n- deployment.yaml\n",
                "app/deployment.yaml": ImageUpdaterHarness.deployment("app", image: "\(host)/demo/app:1.0.0"),
            ]
        }) { h in
            try await h.registry.push("demo/app", tag: "1.0.0")
            try await h.createApp("app", path: "app", annotations: ["image-list": "\(h.registry.host)/demo/app"])
            #expect(try await h.cluster.eventually { try await h.deploymentImage("app") != nil })
            try await h.writeRegistriesConf(extra: "- prefix: nowhere\n  limit: -3\n")
            try await h.registry.push("demo/app", tag: "1.1.0")
            #expect(
                try await h.cluster.eventually(timeout: .seconds(60)) {
                    try await h.deploymentImage("app") == "\(h.registry.host)/demo/app:1.1.0"
                })
            #expect(
                try await h.cluster.eventually {
                    try await h.events(about: "app").contains {
                        $0.reason == "InvalidImageUpdaterConfig" && $0.message.contains("limit")
                    }
                })
        }
    }

    /// The real `docker-registry`, told to notify Capstan, makes the check happen at once: the poll interval
    /// here is an hour.
    @Test func aRegistryNotificationChecksAtOnce() async throws {
        try await ImageUpdaterHarness.with(
            files: { host in
                [
                    "app/kustomization.yaml": "resources:\n- deployment.yaml\n",
                    "app/deployment.yaml": ImageUpdaterHarness.deployment("app", image: "\(host)/demo/app:1.0.0"),
                ]
            }, interval: .seconds(3600), notifications: true
        ) { h in
            try await h.registry.push("demo/app", tag: "1.0.0")
            try await h.createApp("app", path: "app", annotations: ["image-list": "\(h.registry.host)/demo/app"])
            // Live and seen as live, so only the notification can bring the next check.
            #expect(
                try await h.cluster.eventually {
                    let app = try await h.client.get(Sync.Application.gvr, namespace: h.namespace, name: "app")
                    return app.status?[path: ["summary", "images"]] == [.string("\(h.registry.host)/demo/app:1.0.0")]
                })
            try await h.registry.push("demo/app", tag: "1.1.0")
            #expect(
                try await h.cluster.eventually(timeout: .seconds(60)) {
                    try await h.deploymentImage("app") == "\(h.registry.host)/demo/app:1.1.0"
                })
            #expect(await h.images.notifiedChecks >= 1)
        }
    }
}

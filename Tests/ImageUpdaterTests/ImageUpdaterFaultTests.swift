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
            #expect(
                try await h.cluster.eventually {
                    try await h.events(about: "bad").contains {
                        $0.reason == "InvalidImageAnnotation" && $0.message.hasPrefix("broken.image-list")
                    }
                })
            #expect(
                try await h.cluster.eventually {
                    try await h.events(about: "bad").contains {
                        $0.reason == "ImageCheckFailed" && $0.message.hasPrefix("down: ")
                            && $0.message.contains("127.0.0.1:\(closed)")
                    }
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

    /// A check interval that is not a duration is refused before anything starts.
    @Test func aBadCheckIntervalIsRefused() async throws {
        let run = try await ChildProcess.run([ChildProcess.capstan, "controller", "--image-update-interval", "soon"])
        #expect(run.status != 0)
        #expect(
            run.output.contains("--image-update-interval \"soon\" is not a duration like 2m or 30s"), "\(run.output)")
    }

    /// A registry that fails or answers garbage (a fault-injecting proxy in front of the real registry): each
    /// fault is an Event naming it, nothing is written meanwhile, and the update goes through once it answers.
    @Test func aRegistryThatFailsOrLiesIsReportedAndRetried() async throws {
        try await ImageUpdaterHarness.with(files: { host in
            [
                "app/kustomization.yaml": "resources:\n- deployment.yaml\n",
                "app/deployment.yaml": ImageUpdaterHarness.deployment("app", image: "\(host)/demo/app:1.0.0"),
            ]
        }) { h in
            let proxy = try await FaultyRegistryProxy(upstream: h.registry.url)
            try await withAwaitedTeardown(proxy, teardown: { await $0.stop() }) { proxy in
                try await h.writeRegistriesConf(apiURL: proxy.url)
                try await h.registry.push("demo/app", tag: "1.0.0")
                try await h.createApp(
                    "app", path: "app",
                    annotations: ["image-list": "\(h.registry.host)/demo/app", "write-back-method": "git"])
                #expect(
                    try await h.cluster.eventually {
                        let app = try await h.client.get(Sync.Application.gvr, namespace: h.namespace, name: "app")
                        return app.status?[path: ["summary", "images"]] == [
                            .string("\(h.registry.host)/demo/app:1.0.0")
                        ]
                    })
                let faults: [(FaultyRegistryProxy.Fault, String)] = [
                    (.status(503), "answered 503"), (.garbage, "is not JSON"),
                    (.status(429, retryAfter: 1), "is rate limiting requests (retry after 1 s)"),
                ]
                for (index, (fault, words)) in faults.enumerated() {
                    proxy.inject(fault)
                    if index == 0 { try await h.registry.push("demo/app", tag: "1.1.0") }
                    #expect(
                        try await h.cluster.eventually(timeout: .seconds(60)) {
                            try await h.events(about: "app").contains {
                                $0.reason == "ImageCheckFailed" && $0.message.contains(words)
                            }
                        }, "\(fault)")
                    #expect(try await h.remoteGit("rev-list", "--count", "main") == "1")
                }
                #expect(try await h.deploymentImage("app") == "\(h.registry.host)/demo/app:1.0.0")
                proxy.inject(.none)
                #expect(
                    try await h.cluster.eventually(timeout: .seconds(60)) {
                        try await h.deploymentImage("app") == "\(h.registry.host)/demo/app:1.1.0"
                    })
                #expect(try await h.remoteGit("rev-list", "--count", "main") == "2")
            }
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
            #expect(try await h.remoteGit("rev-list", "--count", "main") == "1")
            #expect(await h.images.writeBacks == 0)
            // `capstan image check` says what the updater would do, and writes nothing either.
            let check = try await ChildProcess.run([
                ChildProcess.capstan, "image", "check", "app", "-n", h.namespace, "--kubeconfig",
                try h.cluster.kubeconfigPath(),
            ])
            #expect(check.status == 0, "\(check.output)")
            let lines = check.output.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            #expect(lines.first == ["ALIAS", "IMAGE", "STRATEGY", "LIVE", "CANDIDATES", "RESULT"], "\(check.output)")
            #expect(
                lines.dropFirst().first == [
                    "-", "\(h.registry.host)/demo/app", "semver", "1.0.0", "2", "update", "to", "1.1.0",
                ],
                "\(check.output)")
            #expect(
                check.output.contains("write-back: git commit with Secret \(h.namespace)/absent"), "\(check.output)")
            #expect(try await h.remoteGit("rev-list", "--count", "main") == "1")
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

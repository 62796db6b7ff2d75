import Foundation
import Kube
import KubeTestSupport
import Sync
import Testing

/// Sync windows in Argo CD's AppProject form: the cron reading, Argo's allow/deny rules at fixed instants, and
/// the controller holding automated and manual syncs back.
@Suite(.serialized) struct SyncWindowTests {
    static func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test func cronFieldsRangesStepsNamesAndDayRules() throws {
        let weekdays = try CronSchedule("30 9-17/4 * jan-mar mon-fri")
        let utc = TimeZone(identifier: "UTC")!
        // 2026-02-03 is a Tuesday: fires at 09:30, 13:30 and 17:30.
        #expect(
            weekdays.lastFiring(atOrBefore: Self.date("2026-02-03T13:45:00Z"), within: .seconds(1800), timeZone: utc)
                == Self.date("2026-02-03T13:30:00Z"))
        #expect(
            weekdays.lastFiring(atOrBefore: Self.date("2026-02-03T12:45:00Z"), within: .seconds(1800), timeZone: utc)
                == nil)
        // Saturday, and April: no firing.
        #expect(
            weekdays.lastFiring(atOrBefore: Self.date("2026-02-07T13:31:00Z"), within: .seconds(600), timeZone: utc)
                == nil)
        #expect(
            weekdays.lastFiring(atOrBefore: Self.date("2026-04-07T13:31:00Z"), within: .seconds(600), timeZone: utc)
                == nil)
        // Both day fields restricted: either matches (the 1st of the month, or any Sunday written as 7).
        let either = try CronSchedule("0 0 1 * 7")
        #expect(
            either.lastFiring(atOrBefore: Self.date("2026-02-01T00:10:00Z"), within: .seconds(3600), timeZone: utc)
                != nil)
        #expect(
            either.lastFiring(atOrBefore: Self.date("2026-02-08T00:10:00Z"), within: .seconds(3600), timeZone: utc)
                != nil)
        #expect(
            either.lastFiring(atOrBefore: Self.date("2026-02-09T00:10:00Z"), within: .seconds(3600), timeZone: utc)
                == nil)
        // The window's time zone decides the hour.
        let amsterdam = TimeZone(identifier: "Europe/Amsterdam")!
        let nine = try CronSchedule("0 9 * * *")
        #expect(
            nine.lastFiring(atOrBefore: Self.date("2026-02-03T08:30:00Z"), within: .seconds(3600), timeZone: amsterdam)
                != nil)
        #expect(
            nine.lastFiring(atOrBefore: Self.date("2026-02-03T09:30:00Z"), within: .seconds(3600), timeZone: amsterdam)
                == nil)
        for bad in ["61 * * * *", "* * * *", "*/0 * * * *", "5-1 * * * *", "* * * foo *"] {
            #expect(throws: CronSchedule.ParseError.self) { try CronSchedule(bad) }
        }
    }

    @Test func argoRulesForAllowAndDenyWindows() throws {
        let app = Application(
            KubeObject(
                apiVersion: "argoproj.io/v1alpha1", kind: "Application", name: "web-prod", namespace: "argocd",
                body: ["spec": ["destination": ["server": "https://kubernetes.default.svc", "namespace": "prod"]]]))
        let noon = Self.date("2026-02-03T12:10:00Z")
        func window(_ kind: String, _ schedule: String, _ extra: [String: JSON] = [:]) throws -> SyncWindow {
            var json: [String: JSON] = [
                "kind": .string(kind), "schedule": .string(schedule), "duration": "1h", "applications": ["*-prod"],
            ]
            json.merge(extra) { _, new in new }
            return try SyncWindow(json: .object(json))
        }
        #expect(SyncWindows([]).blockReason(for: app, manual: false, at: noon) == nil)
        // Only windows that match the app count.
        #expect(
            SyncWindows([try window("deny", "0 12 * * *", ["applications": ["other"]])]).blockReason(
                for: app, manual: false, at: noon) == nil)
        #expect(SyncWindows([try window("deny", "0 12 * * *")]).blockReason(for: app, manual: false, at: noon) != nil)
        // Deny wins over an active allow; manualSync lets a manual sync through.
        let both = SyncWindows([
            try window("allow", "0 12 * * *"), try window("deny", "0 12 * * *", ["manualSync": true]),
        ])
        #expect(both.blockReason(for: app, manual: false, at: noon)?.contains("deny") == true)
        #expect(both.blockReason(for: app, manual: true, at: noon) == nil)
        // Allow windows: syncs only while one is active.
        let allowAt14 = SyncWindows([try window("allow", "0 14 * * *")])
        #expect(
            allowAt14.blockReason(for: app, manual: false, at: noon)?.contains("outside every allow window") == true)
        #expect(allowAt14.blockReason(for: app, manual: false, at: Self.date("2026-02-03T14:59:00Z")) == nil)
        #expect(allowAt14.blockReason(for: app, manual: false, at: Self.date("2026-02-03T15:00:00Z")) != nil)
        // Namespaces and clusters match too; andOperator needs all the given lists to match.
        let byNamespace = try window("deny", "0 12 * * *", ["applications": [], "namespaces": ["prod"]])
        #expect(SyncWindows([byNamespace]).blockReason(for: app, manual: false, at: noon) != nil)
        let andOperator = try window("deny", "0 12 * * *", ["namespaces": ["staging"], "andOperator": true])
        #expect(SyncWindows([andOperator]).blockReason(for: app, manual: false, at: noon) == nil)
        let byCluster = try window(
            "deny", "0 12 * * *", ["applications": [], "clusters": ["https://kubernetes.default.svc"]])
        #expect(SyncWindows([byCluster]).blockReason(for: app, manual: false, at: noon) != nil)
        #expect(throws: CronSchedule.ParseError.self) { try window("sometimes", "0 12 * * *") }
        #expect(throws: CronSchedule.ParseError.self) { try window("deny", "0 12 * * *", ["timeZone": "Mars/Olympus"]) }
        #expect(throws: CronSchedule.ParseError.self) { try window("deny", "0 12 * * *", ["applications": "web-prod"]) }
        #expect(throws: CronSchedule.ParseError.self) { try window("deny", "0 12 * * *", ["duration": "forever"]) }
    }

    @Test func windowsHoldAutomatedAndManualSyncs() async throws {
        try await SyncHarness.with { h in
            try h.repo.commit([
                "denied/cm.yaml": Manifests.configMap("denied-cm", ["v": "1"]),
                "outside/cm.yaml": Manifests.configMap("outside-cm", ["v": "1"]),
            ])
            // An allow window two hours from now is certainly closed; a deny window firing every minute is open.
            let later =
                (Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date()).hour!
                    + 2) % 24
            let projects = GroupVersionResource(group: "argoproj.io", version: "v1alpha1", resource: "appprojects")
            _ = try await h.client.create(
                KubeObject(
                    apiVersion: "argoproj.io/v1alpha1", kind: "AppProject", name: "windowed",
                    namespace: h.namespace,
                    body: [
                        "spec": [
                            "sourceRepos": ["*"], "destinations": [["server": "*", "namespace": "*"]],
                            "syncWindows": [
                                [
                                    "kind": "deny", "schedule": "* * * * *", "duration": "1h",
                                    "applications": ["denied-*"], "manualSync": true,
                                ],
                                [
                                    "kind": "allow", "schedule": .string("0 \(later) * * *"), "duration": "1h",
                                    "applications": ["outside-*"],
                                ],
                            ],
                        ]
                    ]))
            try await h.createApp("denied-app", path: "denied", automated: [:], extraSpec: ["project": "windowed"])
            try await h.createApp("outside-app", path: "outside", automated: [:], extraSpec: ["project": "windowed"])
            #expect(try await h.waitForApp("denied-app") { $0.syncStatus == "OutOfSync" })
            #expect(try await h.waitForApp("outside-app") { $0.syncStatus == "OutOfSync" })
            try await Task.sleep(for: .seconds(1))
            #expect(await h.configMap("denied-cm") == nil, "automated syncs wait for the windows")
            #expect(await h.configMap("outside-cm") == nil, "automated syncs wait for the windows")
            #expect(
                try await h.cluster.eventually(event: {
                    $0.json["reason"] == "SyncWindowBlocked"
                        && $0.json[path: ["involvedObject", "name"]] == "denied-app"
                }))

            // manualSync on the deny window lets a manual sync through.
            try await h.sync("denied-app")
            #expect(try await h.waitForApp("denied-app") { $0.syncStatus == "Synced" })
            // The allow window has no manualSync: the operation waits, Running, saying why.
            try await h.sync("outside-app")
            #expect(
                try await h.waitForApp("outside-app") { status in
                    status.operationPhase == "Running"
                        && (status[path: ["operationState", "message"]]?.stringValue ?? "").contains(
                            "blocked by sync window: outside every allow window")
                })
            #expect(await h.configMap("outside-cm") == nil)
            // Once the project drops its windows, the waiting operation runs.
            _ = try await h.client.patch(
                projects, namespace: h.namespace, name: "windowed", type: .merge,
                patch: ["spec": ["syncWindows": .null]])
            #expect(
                try await h.waitForApp("outside-app") { $0.syncStatus == "Synced" && $0.operationPhase == "Succeeded" })
            #expect(await h.configMap("outside-cm") != nil)

            // A window that cannot be read is an InvalidSpecError naming it, not a window silently ignored.
            _ = try await h.client.patch(
                projects, namespace: h.namespace, name: "windowed", type: .merge,
                patch: [
                    "spec": [
                        "syncWindows": [
                            ["kind": "deny", "schedule": "0 25 * * *", "duration": "1h", "applications": ["*"]]
                        ]
                    ]
                ])
            try await h.refresh("outside-app")
            #expect(
                try await h.waitForApp("outside-app") { status in
                    (status["conditions"]?.arrayValue ?? []).contains {
                        $0["type"] == "InvalidSpecError"
                            && ($0["message"]?.stringValue ?? "").contains("sync window 1: hour '25' is out of range")
                    }
                })
        }
    }
}

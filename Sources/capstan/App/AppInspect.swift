import ArgumentParser
import Foundation
import Kube
import Sync

/// `capstan app list`.
struct AppList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List Applications with sync and health.")
    @OptionGroup var kube: KubeOptions

    func run() async throws {
        try await kube.withClient { client in
            let apps = try await client.listAll(Application.gvr, namespace: kube.appNamespace()).items
            let rows = apps.map { app -> [String] in
                let status = app.status ?? .object([:])
                return [
                    app.name, status[path: ["sync", "status"]]?.stringValue ?? "Unknown",
                    status[path: ["health", "status"]]?.stringValue ?? "Unknown",
                    String((status[path: ["sync", "revision"]]?.stringValue ?? "").prefix(7)),
                    app.json[path: ["spec", "source", "repoURL"]]?.stringValue ?? "",
                    app.json[path: ["spec", "source", "path"]]?.stringValue ?? "",
                ]
            }
            print(Table.render(["NAME", "SYNC", "HEALTH", "REVISION", "REPO", "PATH"], rows))
        }
    }
}

/// `capstan app get NAME`: status and the resource tree.
struct AppGet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get", abstract: "Show an Application and its resources.")
    @OptionGroup var kube: KubeOptions
    @Argument var name: String

    func run() async throws {
        try await kube.withClient { client in
            let app = try await client.get(Application.gvr, namespace: kube.appNamespace(), name: name)
            let status = app.status ?? .object([:])
            print(
                """
                Name:          \(app.name)
                Project:       \(app.json[path: ["spec", "project"]]?.stringValue ?? "default")
                Repo:          \(app.json[path: ["spec", "source", "repoURL"]]?.stringValue ?? "")
                Path:          \(app.json[path: ["spec", "source", "path"]]?.stringValue ?? "")
                Target:        \(app.json[path: ["spec", "source", "targetRevision"]]?.stringValue ?? "HEAD")
                Sync Status:   \(status[path: ["sync", "status"]]?.stringValue ?? "Unknown") to \(String((status[path: ["sync", "revision"]]?.stringValue ?? "").prefix(7)))
                Health Status: \(status[path: ["health", "status"]]?.stringValue ?? "Unknown")
                Operation:     \(status[path: ["operationState", "phase"]]?.stringValue ?? "-") \(status[path: ["operationState", "message"]]?.stringValue ?? "")
                """)
            for condition in status["conditions"]?.arrayValue ?? [] {
                print(
                    "Condition:     \(condition["type"]?.stringValue ?? ""): \(condition["message"]?.stringValue ?? "")"
                )
            }
            let rows = (status["resources"]?.arrayValue ?? []).map { r -> [String] in
                [
                    r["group"]?.stringValue ?? "", r["kind"]?.stringValue ?? "", r["namespace"]?.stringValue ?? "",
                    r["name"]?.stringValue ?? "",
                    (r["status"]?.stringValue ?? "") + (r["requiresPruning"]?.boolValue == true ? " (prune)" : ""),
                    r[path: ["health", "status"]]?.stringValue ?? "",
                    r[path: ["health", "message"]]?.stringValue ?? "",
                ]
            }
            print("\n" + Table.render(["GROUP", "KIND", "NAMESPACE", "NAME", "STATUS", "HEALTH", "MESSAGE"], rows))
        }
    }
}

/// `capstan app history NAME`.
struct AppHistory: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "List an Application's deployments.")
    @OptionGroup var kube: KubeOptions
    @Argument var name: String

    func run() async throws {
        try await kube.withClient { client in
            let app = try await client.get(Application.gvr, namespace: kube.appNamespace(), name: name)
            let rows = (app.status?["history"]?.arrayValue ?? []).map { entry -> [String] in
                [
                    String(entry["id"]?.intValue ?? 0), entry["deployedAt"]?.stringValue ?? "",
                    entry["revision"]?.stringValue ?? "",
                    entry[path: ["initiatedBy", "automated"]]?.boolValue == true
                        ? "automated" : entry[path: ["initiatedBy", "username"]]?.stringValue ?? "",
                ]
            }
            print(Table.render(["ID", "DATE", "REVISION", "BY"], rows))
        }
    }
}

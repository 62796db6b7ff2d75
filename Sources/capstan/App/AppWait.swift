import ArgumentParser
import Foundation
import Kube
import Sync

/// `capstan app wait NAME`: until Synced and/or Healthy (both when neither flag is given).
struct AppWait: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait", abstract: "Wait for an Application to be synced and healthy.")
    @OptionGroup var kube: KubeOptions
    @Argument var name: String
    @Flag var health = false
    @Flag var sync = false
    @Option(help: "Seconds before giving up (exit 1).") var timeout: Int = 300

    func run() async throws {
        try await kube.withClient { client in
            let namespace = try kube.appNamespace()
            let deadline = ContinuousClock.now + .seconds(timeout)
            let wantSync = sync || !health, wantHealth = health || !sync
            while ContinuousClock.now < deadline {
                let status =
                    try await client.get(Application.gvr, namespace: namespace, name: name).status ?? .object([:])
                let synced = status[path: ["sync", "status"]]?.stringValue == "Synced"
                let healthy = status[path: ["health", "status"]]?.stringValue == "Healthy"
                let idle = status[path: ["operationState", "phase"]]?.stringValue != "Running"
                if (!wantSync || synced) && (!wantHealth || healthy) && idle {
                    print(
                        "\(name): \(status[path: ["sync", "status"]]?.stringValue ?? "") and \(status[path: ["health", "status"]]?.stringValue ?? "")"
                    )
                    return
                }
                try await Task.sleep(for: .milliseconds(250))
            }
            print("timed out waiting for \(name)")
            throw ExitCode(1)
        }
    }
}

/// Waits for the operation a command requested to finish, prints its result, and fails when it failed. The
/// request carries a unique id, so an identical earlier operation's result is never taken for this one's.
enum OperationWaiter {
    static func wait(client: KubeClient, namespace: String, name: String, operation: JSON, timeout: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(timeout)
        while ContinuousClock.now < deadline {
            let state = try await client.get(Application.gvr, namespace: namespace, name: name).status?[
                "operationState"]
            if let state, state["operation"] == operation, state["finishedAt"] != nil {
                let phase = state["phase"]?.stringValue ?? ""
                print("\(phase): \(state["message"]?.stringValue ?? "")")
                for r in state[path: ["syncResult", "resources"]]?.arrayValue ?? [] {
                    print(
                        "  \(r["kind"]?.stringValue ?? "")/\(r["name"]?.stringValue ?? "")  \(r["status"]?.stringValue ?? "")  \(r["message"]?.stringValue ?? "")"
                    )
                }
                if phase != "Succeeded" { throw ExitCode(1) }
                return
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        print("timed out waiting for the operation on \(name)")
        throw ExitCode(1)
    }
}

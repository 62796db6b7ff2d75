import ArgumentParser
import Foundation
import Kube
import Logging

/// Connection flags shared by commands that talk to a cluster, read like kubectl reads them.
struct KubeOptions: ParsableArguments {
    @Option(help: "Path to a kubeconfig (default: $KUBECONFIG, then ~/.kube/config).") var kubeconfig: String?
    @Option(help: "The kubeconfig context to use.") var context: String?
    @Option(name: .shortAndLong, help: "Namespace of the Applications (default: the context's namespace).")
    var namespace: String?

    func clusterConfig() throws -> ClusterConfig {
        var environment = ProcessInfo.processInfo.environment
        if let kubeconfig { environment["KUBECONFIG"] = kubeconfig }
        return try KubeConfig.load(environment: environment).clusterConfig(context: context)
    }

    func client(logLevel: Logger.Level = .error) throws -> KubeClient {
        var logger = Logger(label: "capstan.cli")
        logger.logLevel = logLevel
        return try KubeClient(config: clusterConfig(), logger: logger)
    }

    /// Runs `body` with a client and shuts the client down afterwards, also when `body` throws.
    func withClient<T>(_ body: (KubeClient) async throws -> T) async throws -> T {
        let client = try client()
        do {
            let result = try await body(client)
            await shutDown("the Kubernetes client") { try await client.shutdown() }
            return result
        } catch {
            await shutDown("the Kubernetes client") { try await client.shutdown() }
            throw error
        }
    }

    func appNamespace() throws -> String {
        try namespace ?? clusterConfig().namespace
    }
}

/// Prints rows as left-aligned columns, like kubectl's tables.
enum Table {
    static func render(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in
            all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0
        }
        return all.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index] + 3, withPad: " ", startingAt: 0)
            }.joined().replacing(/\s+$/, with: "")
        }.joined(separator: "\n")
    }
}

import Foundation
import Git
import Kube
import Logging

/// A one-off comparison of an Application with its cluster, for `capstan app diff`: renders Git now and
/// reports every differing field (Secret values masked) and every object that would be pruned.
public enum AppDiffer {
    public struct Report: Sendable {
        public var text: String
        public var differs: Bool
    }

    public static func report(
        _ app: Application, client: KubeClient, cacheDirectory: URL,
        logger: Logger = Logger(label: "capstan.diff")
    ) async throws -> Report {
        let comparer = AppComparer(
            repositories: RepositoryCache(directory: cacheDirectory, logger: logger),
            credentials: RepositoryCredentials(client: client, namespace: app.namespace))
        let clusters = ClusterRegistry(
            local: ClusterCache(client: client, logger: logger), client: client,
            namespace: app.namespace, logger: logger)
        defer { Task { await clusters.stop() } }
        let cache = try await clusters.cache(for: app.destination)
        let state = try await comparer.desiredState(of: app, maxAge: .zero)
        let comparison = try await LiveComparer(cache: cache, app: app).compare(
            revision: state.revision, type: state.type,
            rendered: state.objects)
        var sections: [String] = []
        for (key, diff) in comparison.diffs.sorted(by: { $0.key < $1.key }) where diff.differs {
            sections.append(diff.render(for: key))
        }
        for resource in comparison.resources where resource.requiresPruning {
            sections.append("===== \(resource.key) =====\n  (not in Git: would be pruned)")
        }
        return Report(text: sections.joined(separator: "\n\n"), differs: !sections.isEmpty)
    }
}

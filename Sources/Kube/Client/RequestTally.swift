import Foundation

/// Counts a client's write requests by verb and resource (`PATCH rollouts/status`, `POST events`), for the
/// benchmarks' "API writes per step": attach one to a `KubeClient` with `counting(_:)`.
public final class RequestTally: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [String: Int] = [:]

    public init() {}

    /// Records a request; reads (GET, watch) are not counted.
    func record(method: String, path: String) {
        guard method != "GET" && method != "HEAD" else { return }
        let key = "\(method) \(Self.resource(of: path))"
        lock.withLock { counts[key, default: 0] += 1 }
    }

    /// The counts so far, and a fresh start.
    public func take() -> [String: Int] {
        lock.withLock {
            defer { counts = [:] }
            return counts
        }
    }

    /// `rollouts/status` of `/apis/argoproj.io/v1alpha1/namespaces/default/rollouts/name/status`.
    static func resource(of path: String) -> String {
        var parts = path.split(separator: "/").map(String.init)
        if let namespaces = parts.firstIndex(of: "namespaces"), parts.count > namespaces + 2 {
            parts = Array(parts[(namespaces + 2)...])
        } else {
            parts = Array(parts.drop { $0 == "api" || $0 == "apis" }.dropFirst(parts.first == "api" ? 1 : 2))
        }
        guard let resource = parts.first else { return path }
        return parts.count > 2 ? "\(resource)/\(parts[2])" : resource
    }
}

extension KubeClient {
    /// This client, counting its write requests in `tally`.
    public func counting(_ tally: RequestTally) -> KubeClient {
        var copy = self
        copy.tally = tally
        return copy
    }
}

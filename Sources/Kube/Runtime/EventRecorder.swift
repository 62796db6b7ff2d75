import Logging

/// Records core/v1 Events about objects, so `kubectl describe` and `kubectl get events` show what a controller
/// did or why it failed. A repeated event (same object, reason and message) increments `count`.
public actor EventRecorder {
    let client: KubeClient
    let component: String
    let logger: Logger
    var recent: [String: (name: String, namespace: String, count: Int64)] = [:]

    public init(client: KubeClient, component: String, logger: Logger) {
        self.client = client
        self.component = component
        self.logger = logger
    }

    /// Event types.
    public enum EventType: String, Sendable {
        case normal = "Normal"
        case warning = "Warning"
    }

    /// Records an event; failures are logged, never thrown, so reporting cannot break reconciliation.
    public func record(_ object: KubeObject, type: EventType, reason: String, message: String) async {
        let namespace = object.namespace ?? "default"
        let dedupKey = "\(object.uid ?? object.key)|\(reason)|\(message)"
        let now = KubeTime.now()
        if let previous = recent[dedupKey] {
            let count = previous.count + 1
            do {
                _ = try await client.patch(
                    .events, namespace: previous.namespace, name: previous.name, type: .merge,
                    patch: ["count": .int(count), "lastTimestamp": .string(now)])
                recent[dedupKey] = (previous.name, previous.namespace, count)
                return
            } catch {
                recent[dedupKey] = nil
            }
        }
        let name = "\(object.name).\(String(UInt64.random(in: 0..<UInt64.max), radix: 16))"
        var involved: [String: JSON] = [
            "apiVersion": .string(object.apiVersion), "kind": .string(object.kind),
            "name": .string(object.name),
        ]
        if let ns = object.namespace { involved["namespace"] = .string(ns) }
        if let uid = object.uid { involved["uid"] = .string(uid) }
        if let rv = object.resourceVersion { involved["resourceVersion"] = .string(rv) }
        let event = KubeObject(
            apiVersion: "v1", kind: "Event", name: name, namespace: namespace,
            body: [
                "involvedObject": .object(involved), "reason": .string(reason), "message": .string(message),
                "type": .string(type.rawValue), "source": ["component": .string(component)], "count": 1,
                "firstTimestamp": .string(now), "lastTimestamp": .string(now), "reportingComponent": .string(component),
            ])
        do {
            _ = try await client.create(event)
            if recent.count > 4096 { recent.removeAll() }
            recent[dedupKey] = (name, namespace, 1)
        } catch {
            logger.warning(
                "could not record event",
                metadata: [
                    "object": "\(object.key)", "reason": "\(reason)",
                    "error": "\(error)",
                ])
        }
    }
}

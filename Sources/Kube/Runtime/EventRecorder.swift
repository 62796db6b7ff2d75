import Logging

/// Records core/v1 Events about objects, so `kubectl describe` and `kubectl get events` show what a controller
/// did or why it failed. A repeated event (same object, reason and message) increments `count`.
///
/// As client-go's recorder does, `record` only queues the event: one background sender writes them in order,
/// so a reconcile never waits for its Events (two API round trips per Rollout step, before). A queue that
/// grows beyond `queueLimit` (the API is down or far behind) drops new events, with a log line, rather than
/// holding memory without bound; `flush()` waits until everything queued is written or has failed.
public actor EventRecorder {
    let client: KubeClient
    let component: String
    let logger: Logger
    var recent: [String: (name: String, namespace: String, count: Int64)] = [:]
    private var queue: [Pending] = []
    private var head = 0
    private var sending = false
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    /// Events waiting to be written at most; beyond it new ones are dropped and logged.
    public static let queueLimit = 10_000

    private struct Pending {
        var object: KubeObject
        var type: EventType
        var reason: String
        var message: String
        var time: String
    }

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

    /// Queues an event, stamped now; it is written in the background. Failures are logged, never thrown, so
    /// reporting cannot break reconciliation.
    public func record(_ object: KubeObject, type: EventType, reason: String, message: String) {
        guard queue.count - head < Self.queueLimit else {
            logger.warning(
                "event dropped: too many waiting to be written",
                metadata: ["object": "\(object.key)", "reason": "\(reason)"])
            return
        }
        queue.append(Pending(object: object, type: type, reason: reason, message: message, time: KubeTime.now()))
        guard !sending else { return }
        sending = true
        Task { await self.drain() }
    }

    /// Waits until every queued event has been written (or has failed).
    public func flush() async {
        guard sending else { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    private func drain() async {
        while head < queue.count {
            let next = queue[head]
            head += 1
            if head >= 1024 && head * 2 >= queue.count {
                queue.removeFirst(head)
                head = 0
            }
            await send(next)
        }
        queue.removeAll(keepingCapacity: false)
        head = 0
        sending = false
        for waiter in idleWaiters { waiter.resume() }
        idleWaiters = []
    }

    private func send(_ event: Pending) async {
        let object = event.object
        let namespace = object.namespace ?? "default"
        let dedupKey = "\(object.uid ?? object.key)|\(event.reason)|\(event.message)"
        if let previous = recent[dedupKey] {
            let count = previous.count + 1
            do {
                _ = try await client.patch(
                    .events, namespace: previous.namespace, name: previous.name, type: .merge,
                    patch: ["count": .int(count), "lastTimestamp": .string(event.time)])
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
        let created = KubeObject(
            apiVersion: "v1", kind: "Event", name: name, namespace: namespace,
            body: [
                "involvedObject": .object(involved), "reason": .string(event.reason),
                "message": .string(event.message), "type": .string(event.type.rawValue),
                "source": ["component": .string(component)], "count": 1, "firstTimestamp": .string(event.time),
                "lastTimestamp": .string(event.time), "reportingComponent": .string(component),
            ])
        do {
            _ = try await client.create(created)
            if recent.count > 4096 { recent.removeAll() }
            recent[dedupKey] = (name, namespace, 1)
        } catch {
            logger.warning(
                "could not record event",
                metadata: ["object": "\(object.key)", "reason": "\(event.reason)", "error": "\(error)"])
        }
    }
}

import Logging
import NIOHTTP1

/// Records core/v1 Events about objects, so `kubectl describe` and `kubectl get events` show what a controller
/// did or why it failed. A repeated event (same object, reason and message) increments `count`.
///
/// As client-go's recorder does, `record` only queues the event; background senders write them, so a reconcile
/// never waits for its Events. Events go to one of `lanes` senders by their repeat key, so each event and its
/// repeats are written in order, while a burst (a thousand Rollouts stepping at once) is not held to one request
/// at a time. A queued event keeps only what the Event needs of its object, not the object. Beyond
/// `queueLimit` waiting (the API is down or far behind) new events are dropped with a log line rather than
/// holding memory without bound; `flush()` waits until everything queued is written or has failed.
public actor EventRecorder {
    let client: KubeClient
    let component: String
    let logger: Logger
    var recent: [String: (name: String, namespace: String, count: Int64)] = [:]
    private var lanes: [Lane]
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    /// Events waiting to be written at most; beyond it new ones are dropped and logged.
    public static let queueLimit = 10_000

    /// What an Event says of its object (`involvedObject`), and where the Event is written.
    struct Involved {
        var apiVersion: String
        var kind: String
        var name: String
        var namespace: String?
        var uid: String?
        var resourceVersion: String?
        var key: String

        init(_ object: KubeObject) {
            apiVersion = object.apiVersion
            kind = object.kind
            name = object.name
            namespace = object.namespace
            uid = object.uid
            resourceVersion = object.resourceVersion
            key = object.key
        }
    }

    struct Pending {
        var object: Involved
        var type: EventType
        var reason: String
        var message: String
        var time: String
        var repeatKey: String { "\(object.uid ?? object.key)|\(reason)|\(message)" }
    }

    /// One sender's queue.
    struct Lane {
        var queue: [Pending] = []
        var head = 0
        var sending = false
        var waiting: Int { queue.count - head }
    }

    public init(client: KubeClient, component: String, logger: Logger, lanes: Int = 4) {
        self.client = client
        self.component = component
        self.logger = logger
        self.lanes = Array(repeating: Lane(), count: max(1, lanes))
    }

    /// Event types.
    public enum EventType: String, Sendable {
        case normal = "Normal"
        case warning = "Warning"
    }

    /// Queues an event, stamped now; it is written in the background. Failures are logged, never thrown, so
    /// reporting cannot break reconciliation.
    public func record(_ object: KubeObject, type: EventType, reason: String, message: String) {
        guard lanes.reduce(0, { $0 + $1.waiting }) < Self.queueLimit else {
            logger.warning(
                "event dropped: too many waiting to be written",
                metadata: ["object": "\(object.key)", "reason": "\(reason)"])
            return
        }
        let event = Pending(
            object: Involved(object), type: type, reason: reason, message: message, time: KubeTime.now())
        var hasher = Hasher()
        hasher.combine(event.repeatKey)
        let lane = Int(UInt(bitPattern: hasher.finalize()) % UInt(lanes.count))
        lanes[lane].queue.append(event)
        guard !lanes[lane].sending else { return }
        lanes[lane].sending = true
        Task { await self.drain(lane) }
    }

    /// Waits until every queued event has been written (or has failed).
    public func flush() async {
        guard lanes.contains(where: \.sending) else { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    private func drain(_ lane: Int) async {
        while lanes[lane].head < lanes[lane].queue.count {
            let next = lanes[lane].queue[lanes[lane].head]
            lanes[lane].head += 1
            if lanes[lane].head >= 1024 && lanes[lane].head * 2 >= lanes[lane].queue.count {
                lanes[lane].queue.removeFirst(lanes[lane].head)
                lanes[lane].head = 0
            }
            await send(next)
        }
        lanes[lane] = Lane()
        guard !lanes.contains(where: \.sending) else { return }
        for waiter in idleWaiters { waiter.resume() }
        idleWaiters = []
    }

    private func send(_ event: Pending) async {
        let object = event.object
        let namespace = object.namespace ?? "default"
        let repeatKey = event.repeatKey
        if let previous = recent[repeatKey] {
            let count = previous.count + 1
            do {
                try await client.patchWithoutResult(
                    .events, namespace: previous.namespace, name: previous.name, type: .merge,
                    patch: ["count": .int(count), "lastTimestamp": .string(event.time)])
                recent[repeatKey] = (previous.name, previous.namespace, count)
                return
            } catch {
                recent[repeatKey] = nil
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
            _ = try await client.send(
                method: .POST, path: KubeClient.path(.events, namespace: namespace),
                body: created.json.serializedBytes())
            if recent.count > 4096 { recent.removeAll() }
            recent[repeatKey] = (name, namespace, 1)
        } catch {
            logger.warning(
                "could not record event",
                metadata: ["object": "\(object.key)", "reason": "\(event.reason)", "error": "\(error)"])
        }
    }
}

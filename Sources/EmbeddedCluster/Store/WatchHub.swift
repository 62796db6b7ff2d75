import Kube

/// A committed change, as watchers receive it.
struct ChangeEvent: Sendable {
    var type: WatchEvent.EventType
    var key: ObjectKey
    var stored: StoredObject
    /// The object before a modification, so a selector watch can tell an object entering or leaving it.
    var previous: StoredObject?

    init(type: WatchEvent.EventType, key: ObjectKey, stored: StoredObject, previous: StoredObject? = nil) {
        self.type = type
        self.key = key
        self.stored = stored
        self.previous = previous
    }

    /// `{"type":"ADDED","object":{...}}` followed by a newline: one line of a watch response.
    var line: [UInt8] {
        var out = Array("{\"type\":\"\(type.rawValue)\",\"object\":".utf8)
        out.append(contentsOf: stored.bytes)
        out.append(contentsOf: Array("}\n".utf8))
        return out
    }
}

/// What a watch stream carries: committed changes and, on request, bookmarks at the current version.
enum WatchMessage: Sendable {
    case change(ChangeEvent)
    case bookmark(Int64)
}

/// What a watch asks for: a resource, optionally one namespace, and selectors.
struct WatchFilter: Sendable {
    var resource: String
    var namespace: String?
    var labelSelector: LabelSelector?
    var fieldSelector: FieldSelector?

    func matches(_ event: ChangeEvent) -> Bool {
        guard event.key.resource == resource else { return false }
        if let namespace, event.key.namespace != namespace { return false }
        return selects(event.stored)
    }

    /// Whether the selectors accept one version of an object.
    func selects(_ stored: StoredObject) -> Bool {
        if let labelSelector, !labelSelector.matches(stored.labels) { return false }
        if let fieldSelector {
            if let name = fieldSelector.pinnedName, fieldSelector.requirements.count == 1 {
                return stored.name == name
            }
            return fieldSelector.matches(stored.object)
        }
        return true
    }

    /// The event as this watch sees it, with kube-apiserver's watch-cache semantics for selectors: a
    /// modification that makes an object match is ADDED, one that makes it stop matching is DELETED (with the
    /// new object), one that matches neither before nor after is not sent.
    func project(_ event: ChangeEvent) -> ChangeEvent? {
        guard event.key.resource == resource else { return nil }
        if let namespace, event.key.namespace != namespace { return nil }
        guard labelSelector != nil || fieldSelector != nil else { return event }
        let now = selects(event.stored)
        guard event.type == .modified else { return now ? event : nil }
        let before = event.previous.map(selects) ?? false
        var projected = event
        switch (before, now) {
        case (true, true): return event
        case (false, true): projected.type = .added
        case (true, false): projected.type = .deleted
        case (false, false): return nil
        }
        return projected
    }
}

/// Recent changes (a bounded log, for watches that resume from a resourceVersion) and the live watchers.
struct WatchHub: Sendable {
    var log: [ChangeEvent] = []
    var logStart = 0
    let capacity: Int
    /// The oldest resourceVersion a watch may resume from; older ones get 410 Gone.
    var compactedThrough: Int64
    var watchers: [Int: (WatchFilter, AsyncStream<WatchMessage>.Continuation)] = [:]
    var nextID = 0

    init(capacity: Int, startingAt resourceVersion: Int64) {
        self.capacity = capacity
        compactedThrough = resourceVersion
    }

    mutating func record(_ event: ChangeEvent) {
        log.append(event)
        if log.count - logStart > capacity {
            compactedThrough = log[logStart].stored.resourceVersion
            logStart += 1
            if logStart > capacity {
                log.removeFirst(logStart)
                logStart = 0
            }
        }
        var fallenBehind: [Int] = []
        for (id, (filter, continuation)) in watchers {
            guard let seen = filter.project(event) else { continue }
            if case .dropped = continuation.yield(.change(seen)) { fallenBehind.append(id) }
        }
        // A watcher whose buffer is full is closed, as kube-apiserver closes an unresponsive watcher: it gets
        // what was buffered, then the end of the stream, and resumes from its last resourceVersion (replayed
        // from the log) or relists. Nothing is lost, and no reader that never reads can grow the server.
        for id in fallenBehind { remove(id) }
    }

    /// How many events one watch may have waiting to be written before it is closed.
    static let watcherBuffer = 2_000

    /// Events after `resourceVersion` that match, or `nil` when that version was compacted away.
    func events(after resourceVersion: Int64, matching filter: WatchFilter) -> [ChangeEvent]? {
        guard resourceVersion >= compactedThrough else { return nil }
        return log[logStart...].lazy.filter { $0.stored.resourceVersion > resourceVersion }.compactMap(filter.project)
    }

    mutating func add(_ filter: WatchFilter, _ continuation: AsyncStream<WatchMessage>.Continuation) -> Int {
        nextID += 1
        watchers[nextID] = (filter, continuation)
        return nextID
    }

    mutating func remove(_ id: Int) {
        watchers.removeValue(forKey: id)?.1.finish()
    }
}

extension WatchHub {
    func bookmark(_ id: Int, at resourceVersion: Int64) {
        watchers[id]?.1.yield(.bookmark(resourceVersion))
    }
}

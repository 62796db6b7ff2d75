import Kube

/// A committed change, as watchers receive it.
struct ChangeEvent: Sendable {
    var type: WatchEvent.EventType
    var key: ObjectKey
    var stored: StoredObject

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
        if let labelSelector, !labelSelector.matches(event.stored.labels) { return false }
        if let fieldSelector {
            if let name = fieldSelector.pinnedName, fieldSelector.requirements.count == 1 {
                return event.stored.name == name
            }
            return fieldSelector.matches(event.stored.object)
        }
        return true
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
        for (_, (filter, continuation)) in watchers where filter.matches(event) {
            continuation.yield(.change(event))
        }
    }

    /// Events after `resourceVersion` that match, or `nil` when that version was compacted away.
    func events(after resourceVersion: Int64, matching filter: WatchFilter) -> [ChangeEvent]? {
        guard resourceVersion >= compactedThrough else { return nil }
        return log[logStart...].filter { $0.stored.resourceVersion > resourceVersion && filter.matches($0) }
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

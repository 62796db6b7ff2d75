/// A de-duplicating work queue for controllers, like client-go's: a key is never processed by two workers at
/// once; a key added while it is processed runs again afterwards; failures requeue with per-key exponential
/// back-off; `add(_:after:)` schedules a key for later (a timer, never a sleeping task holding state).
public actor WorkQueue {
    var queue: [String] = []
    var head = 0
    var dirty: Set<String> = []
    var processing: Set<String> = []
    var failures: [String: Int] = [:]
    var waiting: [CheckedContinuation<String?, Never>] = []
    var timers: [String: Task<Void, Never>] = [:]
    var isShutDown = false
    let baseDelay: Duration
    let maximumDelay: Duration

    public init(baseDelay: Duration = .milliseconds(5), maximumDelay: Duration = .seconds(300)) {
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
    }

    /// Queues `key` unless it is already waiting.
    public func add(_ key: String) {
        guard !isShutDown, !dirty.contains(key) else { return }
        dirty.insert(key)
        if processing.contains(key) { return }
        if !waiting.isEmpty {
            waiting.removeFirst().resume(returning: key)
            processing.insert(key)
            dirty.remove(key)
        } else {
            queue.append(key)
        }
    }

    /// Queues `key` after `delay`, replacing any pending timer for the key.
    public func add(_ key: String, after delay: Duration) {
        guard !isShutDown else { return }
        if delay <= .zero {
            add(key)
            return
        }
        timers[key]?.cancel()
        timers[key] = Task { [weak self] in
            try? await Task.sleep(for: delay)
            guard !Task.isCancelled else { return }
            await self?.timerFired(key)
        }
    }

    func timerFired(_ key: String) {
        timers[key] = nil
        add(key)
    }

    /// Queues `key` after its back-off, which doubles with each failure since the last `forget`.
    public func addRateLimited(_ key: String) {
        let count = failures[key, default: 0]
        failures[key] = count + 1
        add(key, after: backoff(failures: count))
    }

    /// The delay after `failures` consecutive failures.
    public func backoff(failures: Int) -> Duration {
        let factor = 1 << min(failures, 30)
        let delay = baseDelay * factor
        return delay > maximumDelay ? maximumDelay : delay
    }

    /// Clears the failure count of `key` (call after it succeeded).
    public func forget(_ key: String) { failures[key] = nil }

    public func failureCount(_ key: String) -> Int { failures[key, default: 0] }

    /// Waits for the next key; `nil` after `shutdown()`. Call `done` when finished with it.
    public func next() async -> String? {
        if head < queue.count {
            let key = queue[head]
            head += 1
            if head > 1024 && head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
            dirty.remove(key)
            processing.insert(key)
            return key
        }
        if isShutDown { return nil }
        return await withCheckedContinuation { waiting.append($0) }
    }

    /// Marks `key` finished; if it was added meanwhile, it is queued again.
    public func done(_ key: String) {
        processing.remove(key)
        if dirty.contains(key) {
            dirty.remove(key)
            add(key)
        }
    }

    public var count: Int { queue.count - head }

    /// Stops handing out keys; waiting workers get `nil`.
    public func shutdown() {
        isShutDown = true
        for timer in timers.values { timer.cancel() }
        timers = [:]
        for w in waiting { w.resume(returning: nil) }
        waiting = []
    }
}

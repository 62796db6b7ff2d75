import Logging

/// What the loop does with a key after its reconcile.
public enum ReconcileResult: Sendable, Equatable {
    /// Finished: the key's failure count is cleared; it runs again on the next event or resync.
    case done
    /// Finished for now: look again after the delay (a pause that ends, a deadline to check).
    case requeue(after: Duration)
    /// Failed: try again after the key's exponential back-off (doubling from `Options.baseDelay`).
    case retry
}

/// The loop every Capstan controller runs, as client-go's controllers do: informers feed a de-duplicating
/// work queue with keys (`namespace/name`), workers take one key at a time and call the controller's reconcile
/// function, and the result decides when the key comes back. A periodic resync queues every key of the
/// primary resource, and freed memory is handed back to the system after busy periods. A controller is its
/// reconcile function plus the informers it `watch`es, each with the keys an event concerns.
public actor ControllerRuntime {
    /// Settings of the loop.
    public struct Options: Sendable {
        public var workers: Int
        /// How often every key of the primary resource is queued again; nil never.
        public var resync: Duration?
        public var baseDelay: Duration
        public var maximumDelay: Duration
        /// How often memory freed by reconciles is handed back to the system (`MemoryTrim`), when any ran.
        public var memoryTrimInterval: Duration

        public init(
            workers: Int = 4, resync: Duration? = nil, baseDelay: Duration = .milliseconds(200),
            maximumDelay: Duration = .seconds(300), memoryTrimInterval: Duration = .seconds(30)
        ) {
            self.workers = workers
            self.resync = resync
            self.baseDelay = baseDelay
            self.maximumDelay = maximumDelay
            self.memoryTrimInterval = memoryTrimInterval
        }
    }

    public nonisolated let name: String
    public nonisolated let queue: WorkQueue
    let options: Options
    let logger: Logger
    var informers: [Informer] = []
    var tasks: [Task<Void, Never>] = []
    public private(set) var reconcileCount = 0

    public init(name: String, options: Options = Options(), logger: Logger) {
        self.name = name
        self.options = options
        self.logger = logger
        queue = WorkQueue(baseDelay: options.baseDelay, maximumDelay: options.maximumDelay)
    }

    /// Feeds `informer`'s events into the queue: `keys` names the keys each event concerns (the object's own
    /// key for the primary resource; the owners' keys for what a controller creates).
    public func watch(
        _ informer: Informer, keys: @escaping @Sendable (InformerEvent) async -> [String]
    ) async {
        informers.append(informer)
        await informer.addHandler { [queue] event in
            for key in await keys(event) { await queue.add(key) }
        }
    }

    /// Runs the informers, waits until each has listed, then starts the workers, the resync and the memory
    /// trim. `allKeys` lists the primary resource's keys for the resync.
    public func start(
        allKeys: @escaping @Sendable () async -> [String],
        reconcile: @escaping @Sendable (String) async -> ReconcileResult
    ) async {
        for informer in informers {
            // run() retries failures itself; anything else that ends it is logged, since the cache then stops.
            tasks.append(
                Task { [logger, name] in
                    do { try await informer.run() } catch  where !(error is CancellationError) && !Task.isCancelled {
                        logger.error(
                            "informer stopped", metadata: ["controller": "\(name)", "error": "\(error)"])
                    } catch {}
                })
        }
        for informer in informers { await informer.waitForSync() }
        for _ in 0..<max(options.workers, 1) {
            tasks.append(Task { await self.work(reconcile) })
        }
        if let resync = options.resync {
            tasks.append(Task { await self.resync(every: resync, allKeys) })
        }
        tasks.append(Task { await self.trimMemory() })
        logger.info("controller started", metadata: ["controller": "\(name)", "workers": "\(options.workers)"])
    }

    /// Stops the workers and informers; a reconcile in progress finishes first.
    public func stop() async {
        await queue.shutdown()
        for task in tasks { task.cancel() }
        tasks = []
    }

    private func counted() { reconcileCount += 1 }

    private nonisolated func work(_ reconcile: @Sendable (String) async -> ReconcileResult) async {
        while let key = await queue.next() {
            await counted()
            let result = await reconcile(key)
            switch result {
            case .done:
                await queue.forget(key)
            case .requeue(let delay):
                await queue.forget(key)
                await queue.add(key, after: delay)
            case .retry:
                await queue.addRateLimited(key)
            }
            await queue.done(key)
        }
    }

    private nonisolated func resync(every interval: Duration, _ allKeys: @Sendable () async -> [String]) async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            for key in await allKeys() { await queue.add(key) }
        }
    }

    /// A cold start or a relist parses thousands of objects; without this the process keeps that peak.
    private func trimMemory() async {
        var trimmedAt = reconcileCount
        while !Task.isCancelled {
            do { try await Task.sleep(for: options.memoryTrimInterval) } catch { return }
            guard reconcileCount != trimmedAt else { continue }
            trimmedAt = reconcileCount
            MemoryTrim.release()
        }
    }
}

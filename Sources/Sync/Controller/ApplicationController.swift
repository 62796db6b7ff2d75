import Foundation
import Git
import Kube
import Logging

/// The reconciler: keeps every Application's cluster state matching Git. Level-triggered: each reconcile
/// reads the Application and the live objects, writes the status difference, and starts a sync operation
/// when one is asked for (`operation`) or automation calls for one. All state lives in the Application.
/// The loop itself (informers, queue, workers, Git poll as the resync) is `Kube`'s `ControllerRuntime`.
public actor ApplicationController {
    /// Settings for the controller.
    public struct Options: Sendable {
        /// Only Applications in this namespace; nil watches all namespaces.
        public var namespace: String?
        /// How often Git is asked for new commits (Argo CD: `timeout.reconciliation`, 120-180 s; Capstan: 60 s).
        public var pollInterval: Duration = .seconds(60)
        public var workers = 4
        public var cacheDirectory: URL
        /// How long one sync wave may take to become healthy.
        public var stepTimeout: Duration = .seconds(600)
        /// First delay of self-heal after drift; doubles per consecutive attempt up to `selfHealMaxDelay`.
        public var selfHealDelay: Duration = .seconds(1)
        public var selfHealMaxDelay: Duration = .seconds(180)
        /// How often memory freed by reconciles is handed back to the system (`MemoryTrim`), when any ran.
        public var memoryTrimInterval: Duration = .seconds(30)

        public init(namespace: String? = nil, cacheDirectory: URL) {
            self.namespace = namespace
            self.cacheDirectory = cacheDirectory
        }
    }

    let client: KubeClient
    let options: Options
    let logger: Logger
    let repositories: RepositoryCache
    let comparer: AppComparer
    let cache: ClusterCache
    let clusters: ClusterRegistry
    let store: ApplicationStore
    let events: EventRecorder
    let runtime: ControllerRuntime
    var queue: WorkQueue { runtime.queue }
    var appInformer: Informer?
    var projectInformer: Informer?
    var operations: [String: Task<Void, Never>] = [:]
    var appKeysByName: [String: Set<String>] = [:]
    var selfHeal: [String: SelfHealBackoff] = [:]
    var lastReconciledAt: [String: ContinuousClock.Instant] = [:]

    public init(client: KubeClient, options: Options, logger: Logger = Logger(label: "capstan.sync")) {
        self.client = client
        self.options = options
        self.logger = logger
        repositories = RepositoryCache(directory: options.cacheDirectory, logger: logger)
        comparer = AppComparer(
            repositories: repositories,
            credentials: RepositoryCredentials(client: client, namespace: options.namespace ?? "argocd"))
        cache = ClusterCache(client: client, logger: logger)
        clusters = ClusterRegistry(
            local: cache, client: client, namespace: options.namespace ?? "argocd", logger: logger)
        store = ApplicationStore(client: client, logger: logger)
        events = EventRecorder(client: client, component: "capstan-application-controller", logger: logger)
        runtime = ControllerRuntime(
            name: "applications",
            options: .init(
                workers: options.workers, resync: options.pollInterval,
                memoryTrimInterval: options.memoryTrimInterval),
            logger: logger)
    }

    /// Installs the CRDs if missing, starts watching, and reconciles until cancelled.
    public func run() async throws {
        try await start()
        await withTaskCancellationHandler {
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
        } onCancel: {
            Task { await self.stop() }
        }
    }

    /// Starts the informers, workers and poll timer and returns once the Application and AppProject caches
    /// are synced.
    public func start() async throws {
        try await CRDInstaller.ensure(client: client)
        let informer = Informer(client: client, gvr: Application.gvr, namespace: options.namespace, logger: logger)
        appInformer = informer
        await runtime.watch(informer) { [weak self] event in await self?.applicationChanged(event) ?? [] }
        let projects = Informer(client: client, gvr: ProjectPolicy.gvr, namespace: options.namespace, logger: logger)
        projectInformer = projects
        await runtime.watch(projects) { [weak self] event in await self?.projectChanged(event.object) ?? [] }
        await clusters.setChangeHandler { [weak self] name in await self?.trackedObjectChanged(name) }
        await runtime.start(allKeys: { [weak self] in await self?.appInformer?.list().map(\.key) ?? [] }) {
            [weak self] key in
            await self?.reconcile(key)
            return .done  // the reconcile queues its own follow-ups (operations, hooks, deletion)
        }
    }

    public func stop() async {
        await runtime.stop()
        for task in operations.values { task.cancel() }
        await clusters.stop()
    }

    /// How many reconciles ran since the start.
    public var reconcileCount: Int { get async { await runtime.reconcileCount } }

    /// Asks for a reconcile of every Application whose source is `repoURL` (a push webhook arrived).
    /// Applications whose path changed between their synced revision and the new one are queued at once,
    /// the others a second later, so a one-line change is applied before a thousand unchanged siblings
    /// record the new revision.
    public func refresh(repository repoURL: String) async -> Int {
        var changed: [String] = []
        var unchanged: [String] = []
        var invalidated = Set<String>()
        var diffs: [String: [String]?] = [:]
        for object in await appInformer?.list() ?? [] {
            let app = Application(object)
            guard app.sources.contains(where: { RepositoryURL.sameRepository($0.repoURL, repoURL) }) else { continue }
            for source in app.sources where invalidated.insert(source.repoURL).inserted {
                await repositories.invalidate(source.repoURL)
            }
            if await pathChanged(app, diffs: &diffs) {
                changed.append(object.key)
            } else {
                unchanged.append(object.key)
            }
        }
        // The rest only need their new revision recorded: let the changed ones have the API server first.
        for key in changed { await queue.add(key) }
        for key in unchanged { await queue.add(key, after: .seconds(1)) }
        return changed.count + unchanged.count
    }

    /// Whether any file under the app's path differs between its synced revision and the newest one.
    /// When that cannot be told (Git or the credentials cannot be read), the answer is true: the app is
    /// queued at once and its reconcile reports the error. `diffs` caches one tree diff per pair of commits.
    private func pathChanged(_ app: Application, diffs: inout [String: [String]?]) async -> Bool {
        guard let source = app.sources.first, let synced = app.object.status?[path: ["sync", "revision"]]?.stringValue,
            let old = CommitID(hex: synced)
        else { return true }
        let new: CommitID
        do {
            new = try await repositories.resolve(
                source.repoURL, revision: source.targetRevision,
                credentials: try await comparer.credentials.credentials(for: source.repoURL),
                maxAge: .seconds(5))
        } catch {
            // The app is queued anyway; its reconcile reports the error as a condition.
            logger.debug(
                "push: revision not resolved", metadata: ["application": "\(app.object.key)", "error": "\(error)"])
            return true
        }
        guard new != old else { return false }
        let pair = "\(source.repoURL) \(old.hex) \(new.hex)"
        if diffs[pair] == nil {
            do {
                diffs[pair] = .some(try await repositories.changedPaths(source.repoURL, from: old, to: new))
            } catch {
                logger.debug(
                    "push: changed paths unknown", metadata: ["repo": "\(source.repoURL)", "error": "\(error)"])
                diffs[pair] = .some(nil)
            }
        }
        guard let paths = diffs[pair] ?? nil else { return true }
        let prefix =
            source.path.isEmpty || source.path == "."
            ? "" : source.path.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/"
        return paths.contains { $0.hasPrefix(prefix) }
    }

    /// The keys an Application event asks to reconcile: none for a status write of our own or a deletion.
    func applicationChanged(_ event: InformerEvent) async -> [String] {
        let object = event.object
        if case .deleted = event {
            appKeysByName[object.name]?.remove(object.key)
            operations[object.key]?.cancel()
            operations[object.key] = nil
            selfHeal[object.key] = nil
            lastReconciledAt[object.key] = nil
            await comparer.forget(Application(object))
            return []
        }
        appKeysByName[object.name, default: []].insert(object.key)
        if case .updated(let old, let new) = event, old.json["spec"] == new.json["spec"],
            old.json["operation"] == new.json["operation"],
            old.annotations == new.annotations, old.deletionTimestamp == new.deletionTimestamp,
            old.finalizers == new.finalizers
        {
            return []  // a status write of our own
        }
        return [object.key]
    }

    /// A project was created, changed or deleted: its Applications are compared again at once.
    func projectChanged(_ project: KubeObject) async -> [String] {
        (await appInformer?.list(namespace: project.namespace) ?? []).filter {
            Application($0).project == project.name
        }.map(\.key)
    }

    func trackedObjectChanged(_ name: String) async {
        for key in appKeysByName[name] ?? [] { await queue.add(key, after: .milliseconds(100)) }
    }

    /// Reconciles every Application once, now, `workers` at a time, and returns when all are done.
    public func reconcileAll() async {
        let keys = (await appInformer?.list() ?? []).map(\.key)
        let workers = max(options.workers, 1)
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<workers {
                let share = stride(from: worker, to: keys.count, by: workers).map { keys[$0] }
                group.addTask { for key in share { await self.reconcile(key) } }
            }
        }
    }
}

import Kube

/// What a sync will do, grouped into ordered steps: each phase's waves, the prunes (highest wave first,
/// `PruneLast` ones at the very end of the Sync phase), then SyncFail hooks kept aside for failure.
public struct SyncPlan: Sendable {
    public struct Step: Sendable {
        public var phase: SyncPhase
        public var wave: Int
        public var tasks: [SyncTask]
    }

    public var steps: [Step]
    public var syncFailHooks: [SyncTask]

    /// What the user asked for in `operation.sync` (or what automation decided).
    public struct Request: Sendable {
        public var prune: Bool
        public var resources: Set<ResourceKey>?
        public init(prune: Bool, resources: Set<ResourceKey>? = nil) {
            self.prune = prune
            self.resources = resources
        }

        /// Whether a resource is included; a filter entry without a namespace matches every namespace.
        func includes(_ key: ResourceKey) -> Bool {
            guard let resources else { return true }
            var anyNamespace = key
            anyNamespace.namespace = ""
            return resources.contains(key) || resources.contains(anyNamespace)
        }
    }

    public init(
        desired: [KubeObject], live: [ResourceKey: KubeObject], outOfSync: Set<ResourceKey>,
        appOptions: SyncOptions, request: Request
    ) {
        var tasks: [SyncTask] = []
        var failHooks: [SyncTask] = []
        let desiredKeys = Set(desired.map(ResourceKey.init))
        for object in desired {
            let key = ResourceKey(object)
            if !request.includes(key) { continue }
            let annotations = SyncAnnotations(object)
            let options = annotations.options.overriding(appOptions)
            guard !annotations.skip else { continue }
            if annotations.isHook {
                for phase in annotations.hookPhases {
                    let task = SyncTask(
                        action: .hook, key: key, phase: phase, wave: annotations.wave, desired: object,
                        live: live[key], annotations: annotations, options: options)
                    if phase == .syncFail { failHooks.append(task) } else { tasks.append(task) }
                }
                continue
            }
            if options.applyOutOfSyncOnly && !outOfSync.contains(key) { continue }
            tasks.append(
                SyncTask(
                    action: .apply, key: key, phase: .sync, wave: annotations.wave, desired: object,
                    live: live[key], annotations: annotations, options: options))
        }
        var prunes: [SyncTask] = []
        for (key, object) in live where !desiredKeys.contains(key) {
            if !request.includes(key) { continue }
            let annotations = SyncAnnotations(object)
            guard !annotations.isHook, object.annotations[SyncAnnotations.hook] == nil else { continue }
            prunes.append(
                SyncTask(
                    action: .prune, key: key, phase: .sync, wave: annotations.wave, desired: nil,
                    live: object, annotations: annotations,
                    options: annotations.options.overriding(appOptions)))
        }
        steps = Self.group(tasks, prunes: prunes)
        syncFailHooks = failHooks.sorted(by: SyncTask.ordered)
        pruneRequested = request.prune
    }

    /// Whether prune tasks delete (`operation.sync.prune` / `automated.prune`) or are only reported.
    public var pruneRequested: Bool

    static func group(_ tasks: [SyncTask], prunes: [SyncTask]) -> [Step] {
        var steps: [Step] = []
        for phase in [SyncPhase.preSync, .sync, .postSync] {
            let inPhase = tasks.filter { $0.phase == phase }
            for wave in Set(inPhase.map(\.wave)).sorted() {
                steps.append(
                    Step(
                        phase: phase, wave: wave, tasks: inPhase.filter { $0.wave == wave }.sorted(by: SyncTask.ordered)
                    ))
            }
            guard phase == .sync else { continue }
            let early = prunes.filter { !$0.options.pruneLast }
            for wave in Set(early.map(\.wave)).sorted(by: >) {
                steps.append(
                    Step(
                        phase: .sync, wave: wave,
                        tasks: early.filter { $0.wave == wave }.sorted(by: SyncTask.ordered).reversed()))
            }
            let last = prunes.filter(\.options.pruneLast)
            if !last.isEmpty {
                steps.append(Step(phase: .sync, wave: Int.max, tasks: last.sorted(by: SyncTask.ordered).reversed()))
            }
        }
        return steps
    }
}

import Kube
import Logging

/// Runs a `SyncPlan` against a cluster: each step's tasks, then (when a later step exists, or for hooks)
/// waits until the step is done: applied objects no longer Progressing, hooks completed, pruned objects gone.
/// A failed task, a Degraded resource or a failed hook fails the operation and runs the SyncFail hooks.
public struct SyncExecutor: Sendable {
    public struct Outcome: Sendable {
        public var succeeded: Bool
        public var message: String
        public var results: [SyncTaskResult]
    }

    let client: KubeClient
    let appName: String
    let destinationNamespace: String?
    let dryRun: Bool
    let logger: Logger
    var pollInterval: Duration = .milliseconds(100)
    var stepTimeout: Duration = .seconds(600)

    public init(
        client: KubeClient, appName: String, destinationNamespace: String?, dryRun: Bool = false,
        stepTimeout: Duration = .seconds(600), logger: Logger
    ) {
        self.client = client
        self.appName = appName
        self.destinationNamespace = destinationNamespace
        self.dryRun = dryRun
        self.stepTimeout = stepTimeout
        self.logger = logger
    }

    /// Runs the plan; `progress` sees the results so far after every step.
    public func run(_ plan: SyncPlan, progress: @Sendable ([SyncTaskResult]) async -> Void = { _ in }) async -> Outcome
    {
        var results: [SyncTaskResult] = []
        for (index, step) in plan.steps.enumerated() {
            var written: [(SyncTask, KubeObject)] = []
            for task in step.tasks {
                let (result, object) = await execute(task, prune: plan.pruneRequested)
                results.append(result)
                if let object { written.append((task, object)) }
                if result.status == .syncFailed {
                    return await fail(plan, results, "\(task.key): \(result.message)", progress)
                }
            }
            await progress(results)
            guard !dryRun else { continue }
            let hasLater = plan.steps[(index + 1)...].contains { !$0.tasks.isEmpty }
            if let failure = await wait(for: written, untilHealthy: hasLater, results: &results) {
                return await fail(plan, results, failure, progress)
            }
        }
        let pruneSkipped = results.filter { $0.status == .pruneSkipped }.count
        let message =
            dryRun
            ? "dry run: nothing was changed"
            : pruneSkipped > 0
                ? "successfully synced (\(pruneSkipped) resources need pruning)" : "successfully synced (all tasks run)"
        return Outcome(succeeded: true, message: message, results: results)
    }

    private func fail(
        _ plan: SyncPlan, _ results: [SyncTaskResult], _ message: String,
        _ progress: @Sendable ([SyncTaskResult]) async -> Void
    ) async -> Outcome {
        var all = results
        var written: [(SyncTask, KubeObject)] = []
        for task in plan.syncFailHooks {
            let (result, object) = await execute(task, prune: false)
            all.append(result)
            if let object { written.append((task, object)) }
        }
        if !written.isEmpty { _ = await wait(for: written, untilHealthy: false, results: &all) }
        await progress(all)
        logger.warning("sync failed", metadata: ["app": "\(appName)", "cause": "\(message)"])
        return Outcome(succeeded: false, message: message, results: all)
    }

    /// Applies, creates or deletes one object; returns its result and the object written.
    func execute(_ task: SyncTask, prune: Bool) async -> (SyncTaskResult, KubeObject?) {
        var result = SyncTaskResult(
            key: task.key, version: (task.desired ?? task.live)?.gvk.version ?? "", status: .synced,
            message: "", phase: task.phase, hookType: task.action == .hook ? task.phase : nil)
        do {
            switch task.action {
            case .prune:
                guard prune, task.options.prune, task.options.raw("Delete") != "false" else {
                    result.status = .pruneSkipped
                    result.message = prune ? "ignored (Prune=false)" : "ignored (requires pruning)"
                    return (result, nil)
                }
                result.status = .pruned
                result.message = dryRun ? "pruned (dry run)" : "pruned"
                guard !dryRun, let live = task.live else { return (result, nil) }
                let info = try await client.resource(for: live.gvk)
                _ = try await client.delete(
                    info.gvr, namespace: live.namespace, name: live.name, propagation: .foreground)
                return (result, live)
            case .apply, .hook:
                guard var object = task.desired else { return (result, nil) }
                let info = try await client.resource(for: object.gvk)
                if info.namespaced, object.namespace == nil, let destinationNamespace {
                    object.json[path: ["metadata", "namespace"]] = .string(destinationNamespace)
                }
                if !info.namespaced { object.json[path: ["metadata", "namespace"]] = nil }
                guard !dryRun else {
                    result.message = task.action == .hook ? "hook would run (dry run)" : "would apply (dry run)"
                    return (result, nil)
                }
                let written =
                    task.action == .hook
                    ? try await runHook(object, info: info, task: task)
                    : try await apply(object, info: info, task: task)
                result.message = task.action == .hook ? "hook created" : (task.live == nil ? "created" : "configured")
                if task.action == .hook { result.hookPhase = "Running" }
                return (result, written)
            }
        } catch {
            result.status = .syncFailed
            result.message = "\(error)"
            if task.action == .hook { result.hookPhase = "Failed" }
            return (result, nil)
        }
    }

    private func apply(
        _ object: KubeObject, info: APIResourceInfo, task: SyncTask
    ) async throws(KubeError) -> KubeObject {
        if task.options.replace {
            if let live = try await client.getIfExists(info.gvr, namespace: object.namespace, name: object.name) {
                var replacement = object
                replacement.json[path: ["metadata", "resourceVersion"]] =
                    live.json[path: ["metadata", "resourceVersion"]]
                return try await client.update(replacement, fieldManager: SyncModule.fieldManager)
            }
            return try await client.create(object, fieldManager: SyncModule.fieldManager)
        }
        return try await client.apply(object, fieldManager: SyncModule.fieldManager, force: true)
    }

    private func runHook(
        _ object: KubeObject, info: APIResourceInfo, task: SyncTask
    ) async throws(KubeError) -> KubeObject {
        if task.annotations.deletePolicies.contains("BeforeHookCreation"), !object.name.isEmpty,
            try await client.getIfExists(info.gvr, namespace: object.namespace, name: object.name) != nil
        {
            try await client.deleteIfExists(
                info.gvr, namespace: object.namespace, name: object.name, propagation: .background)
            let deadline = ContinuousClock.now + stepTimeout
            while ContinuousClock.now < deadline,
                try await client.getIfExists(info.gvr, namespace: object.namespace, name: object.name) != nil
            {
                try? await Task.sleep(for: pollInterval)
            }
        }
        return try await client.create(object, fieldManager: SyncModule.fieldManager)
    }
}

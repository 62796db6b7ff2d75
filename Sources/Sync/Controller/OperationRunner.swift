import Git
import Kube
import Logging

/// Runs one Application's sync operation to the end: plan, execute, record `operationState` as it goes,
/// retry per `syncPolicy.retry`, append to `status.history` on success, and clear `operation`.
struct OperationRunner: Sendable {
    let apps: ApplicationStore
    let clusters: ClusterRegistry
    let comparer: AppComparer
    let events: EventRecorder?
    let stepTimeout: Duration
    let logger: Logger
    /// Answers whether a newer revision than `revision` is now wanted (a retry then gives way to it).
    let superseded: @Sendable (Application, Revision) async -> Revision?

    func run(_ initial: Application, operation: SyncOperation) async {
        let startedAt = KubeTime.now()
        guard var app = await waitForSyncWindows(initial, operation: operation, startedAt: startedAt) else { return }
        var retryCount = 0
        while true {
            let outcome = await attempt(app, operation: operation, startedAt: startedAt, retryCount: retryCount)
            if outcome.succeeded || Task.isCancelled {
                await finish(app, operation: operation, outcome: outcome, startedAt: startedAt, retryCount: retryCount)
                return
            }
            guard let policy = app.retry, policy.limit < 0 || retryCount < policy.limit else {
                await finish(app, operation: operation, outcome: outcome, startedAt: startedAt, retryCount: retryCount)
                return
            }
            retryCount += 1
            let delay = policy.delay(attempt: retryCount)
            await apps.patchStatus(
                app,
                [
                    "operationState": operationState(
                        operation, phase: "Running", startedAt: startedAt,
                        message: "\(outcome.message). Retrying attempt #\(retryCount) at \(delay)", outcome: outcome,
                        retryCount: retryCount)
                ])
            try? await Task.sleep(for: delay)
            guard !Task.isCancelled, let fresh = await apps.current(app) else { return }
            app = fresh
            if operation.automated, let revision = outcome.revision, let newer = await superseded(app, revision) {
                var given = outcome
                given.message =
                    "\(outcome.message); retry abandoned: revision \(newer.short) supersedes \(revision.short)"
                await finish(app, operation: operation, outcome: given, startedAt: startedAt, retryCount: retryCount)
                return
            }
        }
    }

    struct Attempt: Sendable {
        var succeeded: Bool
        var message: String
        var revision: Revision?
        var results: [SyncTaskResult]
        var source: JSON?
    }

    func attempt(_ app: Application, operation: SyncOperation, startedAt: String, retryCount: Int) async -> Attempt {
        await apps.patchStatus(
            app,
            [
                "operationState": operationState(
                    operation, phase: "Running", startedAt: startedAt,
                    message: "syncing", outcome: nil, retryCount: retryCount)
            ])
        var target = app
        if let source = operation.source {
            var spec = app.object.spec ?? .object([:])
            spec["source"] = source
            spec["sources"] = nil
            target.object.json["spec"] = spec
            target = Application(target.object)
        }
        do {
            let cache = try await clusters.cache(for: target.destination)
            let state = try await comparer.desiredState(of: target, revision: operation.revision, maxAge: .zero)
            let comparison = try await LiveComparer(cache: cache, app: target).compare(
                revision: state.revision, type: state.type,
                rendered: state.objects)
            if let namespace = target.destination.namespace, target.syncOptions.createNamespace, !operation.dryRun {
                try await DestinationNamespace.ensure(
                    namespace, metadata: target.managedNamespaceMetadata, client: cache.client)
            }
            let options = operation.syncOptions.map { $0.overriding(target.syncOptions) } ?? target.syncOptions
            let desired =
                options.respectIgnoreDifferences
                ? comparison.desired.map { object in
                    Normalizer.respectingIgnored(
                        object, live: comparison.live[ResourceKey(object)], rules: target.ignoreDifferences,
                        liveSelected: comparison.jqSelected[ResourceKey(object)]?.live ?? [])
                }
                : comparison.desired
            let plan = SyncPlan(
                desired: desired,
                live: comparison.live.filter {
                    TrackingID.owner(of: $0.value) == target.name || comparison.diffs[$0.key] != nil
                },
                outOfSync: comparison.outOfSync, appOptions: options,
                request: .init(prune: operation.prune, resources: operation.resources))
            let executor = SyncExecutor(
                client: cache.client, appName: target.name, destinationNamespace: target.destination.namespace,
                dryRun: operation.dryRun, stepTimeout: stepTimeout, logger: logger)
            let revision = comparison.revision
            let outcome = await executor.run(plan) { results in
                await apps.patchStatus(
                    app,
                    [
                        "operationState": operationState(
                            operation, phase: "Running", startedAt: startedAt,
                            message: "syncing",
                            outcome: Attempt(
                                succeeded: false, message: "", revision: revision, results: results, source: nil),
                            retryCount: retryCount)
                    ])
            }
            return Attempt(
                succeeded: outcome.succeeded, message: outcome.message, revision: revision, results: outcome.results,
                source: target.sources.first?.json)
        } catch let failure as ComparisonFailure {
            return Attempt(succeeded: false, message: failure.message, revision: nil, results: [], source: nil)
        } catch {
            return Attempt(succeeded: false, message: "\(error)", revision: nil, results: [], source: nil)
        }
    }

    func finish(
        _ app: Application, operation: SyncOperation, outcome: Attempt, startedAt: String, retryCount: Int
    ) async {
        let now = KubeTime.now()
        var status: [String: JSON] = [
            "operationState": operationState(
                operation, phase: outcome.succeeded ? "Succeeded" : "Failed", startedAt: startedAt,
                message: outcome.message, outcome: outcome, retryCount: retryCount, finishedAt: now)
        ]
        let current = await apps.current(app) ?? app
        if outcome.succeeded, !operation.dryRun, let revision = outcome.revision {
            status["history"] = History.appending(
                to: current.object.status?["history"]?.arrayValue ?? [], revision: revision,
                source: outcome.source, startedAt: startedAt, finishedAt: now,
                operation: operation, limit: current.revisionHistoryLimit)
        }
        await apps.patchStatus(current, status, clearOperation: operation.json)
        let reason = outcome.succeeded ? "OperationCompleted" : "OperationFailed"
        let message =
            outcome.succeeded
            ? "Sync operation to \(outcome.revision?.short ?? "?") succeeded"
            : "Sync operation to \(outcome.revision?.short ?? "?") failed: \(outcome.message)"
        await events?.record(
            current.object, type: outcome.succeeded ? .normal : .warning, reason: reason, message: message)
        logger.info(
            "sync finished",
            metadata: ["app": "\(app.namespace)/\(app.name)", "result": "\(reason)", "message": "\(outcome.message)"])
    }

    func operationState(
        _ operation: SyncOperation, phase: String, startedAt: String, message: String, outcome: Attempt?,
        retryCount: Int, finishedAt: String? = nil
    ) -> JSON {
        var state: [String: JSON] = [
            "operation": operation.json, "phase": .string(phase), "message": .string(message),
            "startedAt": .string(startedAt),
        ]
        if retryCount > 0 { state["retryCount"] = .int(Int64(retryCount)) }
        if let finishedAt { state["finishedAt"] = .string(finishedAt) }
        if let outcome {
            var result: [String: JSON] = ["resources": .array(outcome.results.map(\.json))]
            if let revision = outcome.revision { result["revision"] = .string(revision.id) }
            if let source = outcome.source { result["source"] = source }
            state["syncResult"] = .object(result)
        }
        return .object(state)
    }
}

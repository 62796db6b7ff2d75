import Git
import Kube
import Logging

extension ApplicationController {
    static let refreshAnnotation = "argocd.argoproj.io/refresh"

    func reconcile(_ key: String) async {
        guard let object = await appInformer?.get(key) else { return }
        let app = Application(object)
        if object.deletionTimestamp != nil {
            await finalizeDeletion(app)
            return
        }
        let refresh = object.annotations[Self.refreshAnnotation]
        if refresh == "hard" {
            for source in app.sources { await repositories.invalidate(source.repoURL) }
            await comparer.forget(app)
        }
        var comparison: Comparison?
        var failure: ComparisonFailure?
        var windows = SyncWindows([])
        do {
            let project = try await ProjectPolicy.load(app, client: client, cache: projectInformer)
            try project.checkSpec(app)
            windows = try project.syncWindows()
            let state = try await comparer.desiredState(of: app, maxAge: refresh != nil ? .zero : options.pollInterval)
            let target = try await clusters.cache(for: app.destination)
            let compared = try await LiveComparer(cache: target, app: app).compare(
                revision: state.revision, type: state.type,
                rendered: state.objects)
            try project.checkResources(compared.desired)
            comparison = compared
            await ensurePostDeleteFinalizer(app, desired: compared.desired)
        } catch {
            failure = error
        }
        if let comparison { selfHeal[app.object.key, default: SelfHealBackoff()].observe(synced: comparison.isSynced) }
        await writeStatus(app, comparison: comparison, failure: failure)
        if refresh != nil { await store.removeAnnotation(app, Self.refreshAnnotation) }
        await decideOperation(app, comparison: comparison, failure: failure, windows: windows)
    }

    private func writeStatus(_ app: Application, comparison: Comparison?, failure: ComparisonFailure?) async {
        let key = app.object.key
        let members = StatusBuilder.status(
            app: app, comparison: comparison, failure: failure, now: KubeTime.now(),
            selfHealRetries: selfHeal[key]?.count ?? 0)
        let previous = app.object.status ?? .object([:])
        let changed = members.contains { previous[$0.key] != $0.value }
        let stale = lastReconciledAt[key].map { ContinuousClock.now - $0 >= options.pollInterval } ?? true
        guard changed || stale else { return }
        var write = members
        write["reconciledAt"] = .string(KubeTime.now())
        await store.patchStatus(app, write)
        lastReconciledAt[key] = ContinuousClock.now
        let known = Set(previous["conditions"]?.arrayValue?.compactMap { $0["message"]?.stringValue } ?? [])
        if let failure, !known.contains(failure.message) {
            await events.record(app.object, type: .warning, reason: failure.type, message: failure.message)
            logger.warning(
                "comparison failed",
                metadata: ["app": "\(key)", "type": "\(failure.type)", "cause": "\(failure.message)"])
        }
        for drift in members["conditions"]?.arrayValue ?? []
        where drift["type"]?.stringValue == PersistentDrift.conditionType {
            guard let message = drift["message"]?.stringValue, !known.contains(message) else { continue }
            await events.record(app.object, type: .warning, reason: "PersistentDrift", message: message)
            logger.warning("drift remains after a successful sync", metadata: ["app": "\(key)", "cause": "\(message)"])
        }
    }

    private func decideOperation(
        _ app: Application, comparison: Comparison?, failure: ComparisonFailure?, windows: SyncWindows
    ) async {
        let key = app.object.key
        guard operations[key] == nil else { return }
        if app.operation != nil {
            // The cache may trail the finished operation's atomic clear; only the server's copy is trusted.
            do {
                if let fresh = try await store.get(app), let operation = fresh.operation {
                    startOperation(fresh, SyncOperation(json: operation))
                }
            } catch {
                logger.warning("could not read the application", metadata: ["app": "\(key)", "error": "\(error)"])
                await queue.add(key, after: .seconds(5))
            }
            return
        }
        guard let automated = app.automated, automated.enabled, let comparison, failure == nil else { return }
        guard !comparison.isSynced else { return }
        if comparison.desired.isEmpty && !automated.allowEmpty {
            logger.info(
                "skipping auto-sync: the source renders no objects and allowEmpty is false", metadata: ["app": "\(key)"]
            )
            return
        }
        let onlyPrune = comparison.resources.filter { !$0.inSync }.allSatisfy(\.requiresPruning)
        if onlyPrune && !automated.prune { return }
        let lastOperation = app.object.status?["operationState"]
        if let lastOperation,
            PersistentDrift.synced(lastOperation, revision: comparison.revision.id, source: app.sources.first?.json)
        {
            let phase = lastOperation["phase"]?.stringValue
            if phase == "Failed" || phase == "Error" { return }  // a failed revision is not retried by automation
            guard automated.selfHeal else { return }
            var backoff = selfHeal[key] ?? SelfHealBackoff()
            if let wait = backoff.wait() {
                await queue.add(key, after: wait)
                return
            }
            backoff.recordAttempt(initial: options.selfHealDelay, maximum: options.selfHealMaxDelay)
            selfHeal[key] = backoff
            let count = backoff.count
            logger.info("self-healing drift", metadata: ["app": "\(key)", "attempt": "\(count)"])
        }
        if let reason = windows.blockReason(for: app, manual: false) {
            // Looked at again each minute: the window may open or close.
            await events.record(
                app.object, type: .normal, reason: "SyncWindowBlocked", message: "auto-sync skipped: \(reason)")
            logger.info("auto-sync skipped by a sync window", metadata: ["app": "\(key)", "reason": "\(reason)"])
            await queue.add(key, after: .seconds(60))
            return
        }
        let request = SyncOperation.request(revision: comparison.revision.id, prune: automated.prune, automated: true)
        do {
            // Recorded on the Application as Argo CD does, and started at once rather than on the watch event.
            try await store.requestOperation(app, request)
            if let fresh = try await store.get(app), let operation = fresh.operation {
                startOperation(fresh, SyncOperation(json: operation))
            }
        } catch {
            logger.warning("could not start auto-sync", metadata: ["app": "\(key)", "error": "\(error)"])
            await queue.add(key, after: .seconds(5))
        }
    }

    private func startOperation(_ app: Application, _ operation: SyncOperation) {
        let key = app.object.key
        let runner = OperationRunner(
            apps: store, clusters: clusters, comparer: comparer, events: events, stepTimeout: options.stepTimeout,
            logger: logger
        ) { [comparer, logger] app, revision in
            // Not knowing (Git unreachable) means no newer revision is known: the retry goes on.
            do {
                let state = try await comparer.desiredState(of: app, maxAge: .zero)
                return state.revision != revision ? state.revision : nil
            } catch {
                logger.debug(
                    "sync retry: newer revision unknown",
                    metadata: ["application": "\(app.object.key)", "error": "\(error)"])
                return nil
            }
        }
        operations[key] = Task {
            await runner.run(app, operation: operation)
            await self.operationFinished(key)
        }
    }

    private func operationFinished(_ key: String) async {
        operations[key] = nil
        await queue.add(key)
    }
}

import Analysis
import Foundation
import Kube
import Logging

/// The Rollout controller: a reconcile function on `Kube`'s `ControllerRuntime`, watching Rollouts and the
/// ReplicaSets they own. Each reconcile validates the spec (problems become the `InvalidSpec` condition and
/// nothing else changes), asks `CanaryPlanner` what to do, and writes it: ReplicaSets created or scaled,
/// then the status.
///
/// Canary (weights by replica counts or by a traffic router) and blue-green, with analysis, `workloadRef` and the
/// operations of Argo's kubectl plugin. Experiments, header and mirror routes are refused with an `InvalidSpec`
/// condition saying they are not supported yet.
public actor RolloutController {
    public static let gvr = GroupVersionResource(group: "argoproj.io", version: "v1alpha1", resource: "rollouts")
    static let manager = "capstan-rollouts-controller"

    let client: KubeClient
    let logger: Logger
    let runtime: ControllerRuntime
    let events: EventRecorder
    var rollouts: Informer?
    var replicaSets: Informer?
    var analysisRuns: Informer?
    var deployments: Informer?

    /// Told, each time a timed pause ends, how many seconds after its end the next step's objects were written.
    let pauseLateness: (@Sendable (TimeInterval) -> Void)?

    public init(
        client: KubeClient, namespace: String? = nil, workers: Int = 4, logger: Logger,
        pauseLateness: (@Sendable (TimeInterval) -> Void)? = nil
    ) {
        self.pauseLateness = pauseLateness
        self.client = client
        self.logger = logger
        self.namespace = namespace
        runtime = ControllerRuntime(
            name: "rollouts", options: .init(workers: workers, resync: .seconds(300)), logger: logger)
        events = EventRecorder(client: client, component: "capstan-rollouts-controller", logger: logger)
    }

    let namespace: String?

    /// Installs the Rollout CRD if missing, starts watching and returns once the caches are synced.
    public func start() async throws {
        try await CustomResources.ensure(RolloutCRDs.definitions, client: client, served: Self.gvr)
        try await CustomResources.ensure(AnalysisCRDs.definitions, client: client, served: AnalysisCRDs.analysisRuns)
        let rollouts = Informer(
            client: client, gvr: Self.gvr, namespace: namespace, logger: logger,
            transform: Informer.withoutManagedFields)
        let replicaSets = Informer(
            client: client, gvr: .replicaSets, namespace: namespace, logger: logger,
            transform: Informer.withoutManagedFields)
        let analysisRuns = Informer(
            client: client, gvr: AnalysisCRDs.analysisRuns, namespace: namespace, logger: logger,
            transform: Informer.withoutManagedFields)
        self.rollouts = rollouts
        self.replicaSets = replicaSets
        self.analysisRuns = analysisRuns
        await runtime.watch(rollouts) { [$0.object.key] }
        let ownerKey: @Sendable (InformerEvent) async -> [String] = { event in
            let owner = event.object.ownerReferences.first { $0.controller && $0.kind == "Rollout" }
            return owner.map { ["\(event.object.namespace ?? "")/\($0.name)"] } ?? []
        }
        await runtime.watch(replicaSets, keys: ownerKey)
        await runtime.watch(analysisRuns, keys: ownerKey)
        let deployments = Informer(
            client: client, gvr: .deployments, namespace: namespace, logger: logger,
            transform: Informer.withoutManagedFields)
        self.deployments = deployments
        await runtime.watch(deployments) { event in
            // The Rollouts whose workloadRef names this Deployment.
            await rollouts.list(namespace: event.object.namespace).filter { rollout in
                rollout.spec?["workloadRef"]?["name"]?.stringValue == event.object.name
            }.map(\.key)
        }
        await runtime.start(allKeys: { await rollouts.list().map(\.key) }) { [weak self] key in
            await self?.reconcile(key) ?? .done
        }
    }

    public func stop() async { await runtime.stop() }

    func reconcile(_ key: String) async -> ReconcileResult {
        guard let stored = await rollouts?.get(key), stored.deletionTimestamp == nil else { return .done }
        var problems = RolloutValidation.problems(RolloutSpec(stored.spec ?? [:]), raw: stored.spec ?? [:])
        problems += RolloutSupport.unsupported(RolloutSpec(stored.spec ?? [:]))
        problems += Self.workloadRefProblems(stored.spec?["workloadRef"])
        guard problems.isEmpty else { return await writeInvalid(stored, problems: problems) }
        let (object, missing) = await resolvingWorkload(stored)
        if let missing {
            _ = await writeInvalid(stored, problems: [missing])
            return .requeue(after: .seconds(15))
        }
        let spec = RolloutSpec(object.spec ?? [:])
        if spec.workloadRef != nil, let template = spec.template {
            RolloutValidation.checkSelector(spec.selector, matches: template) { field, message in
                problems.append(SpecProblem(field: field, message: message))
            }
        }
        guard problems.isEmpty, let strategy = spec.strategy, let template = spec.template else {
            return await writeInvalid(stored, problems: problems)
        }
        let owned = await ownedReplicaSets(object)
        // A ReplicaSet already running this template is reused whatever its hash (an undo, or a cluster
        // taken over from Argo Rollouts), so its pods are not restarted.
        let reused = owned.first { RolloutReplicaSets.template(of: $0) == template }
        let context = RolloutContext(
            object: object, spec: spec, template: template,
            hash: reused?.labels[PodTemplateHash.label] ?? PodTemplateHash.of(template), reused: reused,
            owned: owned, states: owned.map(Self.state), status: RolloutStatus(object.status))
        do {
            switch strategy {
            case .canary(let canary): return try await reconcileCanary(context, canary)
            case .blueGreen(let blueGreen): return try await reconcileBlueGreen(context, blueGreen)
            }
        } catch  where error.code == 404 && error.message.hasPrefix("the server has no resource for kind") {
            // A traffic router's kind the cluster does not serve (its CRD is not installed): a problem of the
            // set-up to report on the Rollout, looked at again later, not a silent retry loop.
            let problem = SpecProblem(
                field: "spec.strategy.canary.trafficRouting", message: "\(error.message); install its CRD")
            _ = await writeInvalid(object, problems: [problem])
            return .requeue(after: .seconds(15))
        } catch {
            // A conflict only means the Rollout changed since it was read: the retry reads it again.
            let level: Logger.Level = error.code == 409 ? .debug : .warning
            logger.log(level: level, "cannot reconcile rollout", metadata: ["rollout": "\(key)", "error": "\(error)"])
            return .retry
        }
    }

    func reconcileCanary(
        _ context: RolloutContext, _ canary: CanaryStrategy
    ) async throws(KubeError)
        -> ReconcileResult
    {
        let (object, hash, states, status) = (context.object, context.hash, context.states, context.status)
        let runs = await ownedAnalysisRuns(object)
        var planner = CanaryPlanner(
            spec: context.spec, canary: canary, status: status, currentHash: hash,
            newRS: states.first { $0.hash == hash },
            stableRS: states.first { $0.hash == status.stableRS && $0.hash != hash },
            others: states.filter { $0.hash != hash && $0.hash != status.stableRS }, now: Date())
        planner.deadlines = context.deadlines
        planner.stepRun = RolloutAnalysisRuns.state(status.stepRun, runs: runs, hash: hash)
        planner.backgroundRun = RolloutAnalysisRuns.state(status.backgroundRun, runs: runs, hash: hash)
        var plan = planner.plan()
        let services = [canary.canaryService, canary.stableService].compactMap { $0 }
        if let missing = try await missingService(services, in: object) {
            let problem = SpecProblem(field: "spec.strategy.canary", message: "Service \"\(missing)\" not found")
            _ = await writeInvalid(object, problems: [problem])
            return .requeue(after: .seconds(15))
        }
        let stableHash = plan.status.stableRS
        try await applyReplicaSets(
            context, plan, others: planner.others,
            ephemeral: Self.ephemeralMetadata(for: hash, canary: canary, currentHash: hash, stableHash: stableHash))
        try await syncEphemeralMetadata(context, canary: canary, stableHash: stableHash)
        try await route(plan, canary: canary, context: context)
        if let ended = plan.pauseEnded { pauseLateness?(Date().timeIntervalSince(ended)) }
        plan.status.routedWeight = plan.routerWeight
        if let problem = try await startAnalysis(
            &plan, object, canary: canary, hash: hash, revision: context.revision, runs: runs)
        {
            _ = await writeInvalid(object, problems: [SpecProblem(field: "analysis", message: problem.message)])
            return .requeue(after: .seconds(15))
        }
        let restart = try await restartPods(context)
        let checkAfter = try await writeStatus(
            object, spec: context.spec, plan: plan, hash: hash, replicaSets: states, extra: restart.status)
        if let later = [plan.requeueAfter, checkAfter, restart.after].compactMap({ $0 }).min() {
            return .requeue(after: later)
        }
        return .done
    }

    /// Creates the new ReplicaSet, marks a reused one as the newest revision, scales as `plan` says and deletes
    /// idle ReplicaSets beyond the revision history limit.
    func applyReplicaSets(
        _ context: RolloutContext, _ plan: some RolloutPlan, others: [ReplicaSetState],
        ephemeral: EphemeralMetadata? = nil
    ) async throws(KubeError) {
        let (object, hash, states) = (context.object, context.hash, context.states)
        let newest = states.map(\.revision).max() ?? 0
        if let replicas = plan.newReplicaSet {
            _ = try await client.create(
                RolloutReplicaSets.make(
                    object, template: context.template, hash: hash, replicas: replicas, revision: newest + 1,
                    ephemeral: ephemeral),
                fieldManager: Self.manager)
            await events.record(
                object, type: .normal, reason: "NewReplicaSetCreated",
                message: "Created ReplicaSet \(object.name)-\(hash) with \(replicas) replicas")
        }
        if let reused = context.reused, let state = states.first(where: { $0.name == reused.name }),
            state.revision < newest
        {
            // Reused, it becomes the newest revision, as a Deployment's reused ReplicaSet does.
            _ = try await client.patch(
                .replicaSets, namespace: object.namespace, name: reused.name, type: .merge,
                patch: ["metadata": ["annotations": [RevisionHistory.annotation: .string(String(newest + 1))]]],
                fieldManager: Self.manager)
        }
        let deadlines = context.deadlines
        for (name, replicas) in plan.scale.sorted(by: { $0.key < $1.key }) {
            let from = states.first { $0.name == name }?.replicas ?? 0
            await events.record(
                object, type: .normal, reason: "ScalingReplicaSet",
                message: "Scaled \(replicas > from ? "up" : "down") ReplicaSet \(name) from \(from) to \(replicas)")
            var patch: JSON = ["spec": ["replicas": .int(Int64(replicas))]]
            // Scaled up again (a retry, a rollback), it no longer waits to be scaled down.
            if replicas > 0 && deadlines[name] != nil {
                patch["metadata"] = ["annotations": [BlueGreenPlanner.deadlineAnnotation: .null]]
            }
            try await client.patchWithoutResult(
                .replicaSets, namespace: object.namespace, name: name, type: .merge, patch: patch,
                fieldManager: Self.manager)
        }
        for (name, deadline) in plan.newDeadlines.sorted(by: { $0.key < $1.key }) where plan.scale[name] != 0 {
            _ = try await client.patch(
                .replicaSets, namespace: object.namespace, name: name, type: .merge,
                patch: [
                    "metadata": [
                        "annotations": [BlueGreenPlanner.deadlineAnnotation: .string(KubeTime.format(deadline))]
                    ]
                ], fieldManager: Self.manager)
        }
        for name in RevisionHistory.excess(others, limit: context.spec.revisionHistoryLimit) {
            try await client.deleteIfExists(.replicaSets, namespace: object.namespace, name: name)
        }
    }

    func ownedAnalysisRuns(_ rollout: KubeObject) async -> [KubeObject] {
        guard let uid = rollout.uid else { return [] }
        return await analysisRuns?.list(controlledBy: uid) ?? []
    }

    /// Starts the AnalysisRuns the plan asks for and records them in its status; stops the ones it no longer
    /// needs. A missing template is returned as a problem for the Rollout's status.
    func startAnalysis(
        _ plan: inout CanaryPlanner.Plan, _ rollout: KubeObject, canary: CanaryStrategy, hash: String,
        revision: Int, runs: [KubeObject]
    ) async throws(KubeError) -> AnalysisSpecError? {
        let starter = RolloutAnalysisRuns(client: client, manager: Self.manager)
        do {
            if let index = plan.wantStepAnalysis, let raw = canary.steps[index].raw["analysis"] {
                let name = try await starter.ensure(
                    RolloutAnalysis(raw), rollout: rollout, hash: hash, stableHash: plan.status.stableRS,
                    revision: revision, purpose: .step(index))
                plan.status.stepRun = AnalysisRunRef(name: name, status: "Pending")
                plan.keepRuns.insert(name)
            }
            if plan.wantBackgroundAnalysis, let raw = canary.analysis {
                let name = try await starter.ensure(
                    RolloutAnalysis(raw), rollout: rollout, hash: hash, stableHash: plan.status.stableRS,
                    revision: revision, purpose: .background)
                plan.status.backgroundRun = AnalysisRunRef(name: name, status: "Pending")
                plan.keepRuns.insert(name)
            }
            try await starter.terminate(runs, except: plan.keepRuns, rollout: rollout)
        } catch let problem as AnalysisSpecError {
            return problem
        } catch let error as KubeError {
            throw error
        } catch {
            throw KubeError(code: 0, reason: KubeError.Reason(rawValue: "InternalError"), message: "\(error)")
        }
        return nil
    }

    func ownedReplicaSets(_ rollout: KubeObject) async -> [KubeObject] {
        guard let uid = rollout.uid else { return [] }
        return await replicaSets?.list(controlledBy: uid) ?? []
    }

    static func state(_ rs: KubeObject) -> ReplicaSetState {
        ReplicaSetState(
            name: rs.name, hash: rs.labels[PodTemplateHash.label] ?? "",
            replicas: Int(rs.spec?["replicas"]?.intValue ?? 0),
            available: Int(rs.status?["availableReplicas"]?.intValue ?? 0),
            revision: Int(rs.annotations[RevisionHistory.annotation] ?? "") ?? 0,
            current: Int(rs.status?["replicas"]?.intValue ?? 0))
    }

    /// Writes the status the plan asks for (with `extra` members); returns when the progress deadline must be
    /// checked again.
    func writeStatus(
        _ rollout: KubeObject, spec: RolloutSpec, plan: some RolloutPlan, hash: String,
        replicaSets: [ReplicaSetState], extra: [String: JSON] = [:]
    ) async throws(KubeError) -> Duration? {
        let now = Date()
        var status = RolloutStatusWriter.status(rollout, plan: plan, hash: hash, replicaSets: replicaSets, now: now)
        for (key, value) in extra { status[key] = value }
        let verdict = ProgressDeadline.judge(
            previous: rollout.status, next: status, phase: plan.phase, deadlineSeconds: spec.progressDeadlineSeconds,
            now: now)
        RolloutStatusWriter.apply(
            verdict, to: &status, previous: rollout.status, replicaSet: "\(rollout.name)-\(hash)",
            abort: spec.progressDeadlineAbort)
        try await scaleDownWorkload(
            rollout, spec: spec, phase: status["phase"]?.stringValue ?? plan.phase,
            available: Int(status["availableReplicas"]?.intValue ?? 0))
        guard !RolloutStatusWriter.sameStatus(rollout.status, status) else { return verdict.checkAfter }
        try await client.patchWithoutResult(
            Self.gvr, namespace: rollout.namespace, name: rollout.name, type: .merge,
            patch: Self.statusPatch(rollout, status), subresource: "status", fieldManager: Self.manager)
        let phase = status["phase"]?.stringValue ?? plan.phase
        let message = status["message"]?.stringValue ?? ""
        await recordSteps(rollout, spec: spec, status: status)
        if rollout.status?["phase"]?.stringValue != phase {
            await events.record(
                rollout, type: phase == "Degraded" ? .warning : .normal, reason: "Rollout\(phase)",
                message: message.isEmpty ? "Rollout is \(phase)" : message)
        }
        return verdict.checkAfter
    }

    /// A status patch that holds only if the Rollout is still the version the decision was made on: a user's
    /// promote or abort written meanwhile makes it a conflict (and a retry on fresh state), never a lost update.
    static func statusPatch(_ rollout: KubeObject, _ status: JSON) -> JSON {
        ["metadata": ["resourceVersion": .string(rollout.resourceVersion ?? "")], "status": status]
    }

    func writeInvalid(_ rollout: KubeObject, problems: [SpecProblem]) async -> ReconcileResult {
        let message = problems.map(\.description).joined(separator: "; ")
        let status = RolloutStatusWriter.invalid(rollout, message: message, now: Date())
        guard !RolloutStatusWriter.sameStatus(rollout.status, status) else { return .done }
        do {
            _ = try await client.patch(
                Self.gvr, namespace: rollout.namespace, name: rollout.name, type: .merge,
                patch: Self.statusPatch(rollout, status), subresource: "status", fieldManager: Self.manager)
        } catch {
            let level: Logger.Level = error.code == 409 ? .debug : .warning
            logger.log(
                level: level, "cannot write status", metadata: ["rollout": "\(rollout.key)", "error": "\(error)"])
            return .retry
        }
        logger.warning("invalid rollout", metadata: ["rollout": "\(rollout.key)", "problems": "\(message)"])
        await events.record(rollout, type: .warning, reason: "InvalidSpec", message: message)
        return .done
    }
}

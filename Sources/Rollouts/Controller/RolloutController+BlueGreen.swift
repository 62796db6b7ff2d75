import Analysis
import Foundation
import Kube
import Logging

extension RolloutController {
    static let managedByAnnotation = "argo-rollouts.argoproj.io/managed-by-rollouts"

    func reconcileBlueGreen(
        _ context: RolloutContext, _ blueGreen: BlueGreenStrategy
    ) async throws(KubeError)
        -> ReconcileResult
    {
        let (object, hash, states, status) = (context.object, context.hash, context.states, context.status)
        let services = [blueGreen.activeService, blueGreen.previewService].compactMap { $0 }
        if let missing = try await missingService(services, in: object) {
            let problem = SpecProblem(field: "spec.strategy.blueGreen", message: "Service \"\(missing)\" not found")
            _ = await writeInvalid(object, problems: [problem])
            return .requeue(after: .seconds(15))
        }
        let runs = await ownedAnalysisRuns(object)
        var planner = BlueGreenPlanner(
            spec: context.spec, blueGreen: blueGreen, status: status, currentHash: hash,
            newRS: states.first { $0.hash == hash },
            stableRS: states.first { $0.hash == status.stableRS && $0.hash != hash },
            others: states.filter { $0.hash != hash && $0.hash != status.stableRS }, deadlines: context.deadlines,
            now: Date())
        planner.preRun = RolloutAnalysisRuns.state(status.prePromotionRun, runs: runs, hash: hash)
        planner.postRun = RolloutAnalysisRuns.state(status.postPromotionRun, runs: runs, hash: hash)
        var plan = planner.plan()
        try await applyReplicaSets(context, plan, others: planner.others)
        if let problem = try await startPromotionAnalysis(&plan, context, blueGreen, runs: runs) {
            _ = await writeInvalid(object, problems: [SpecProblem(field: "analysis", message: problem.message)])
            return .requeue(after: .seconds(15))
        }
        // The preview Service moves first; the active one only once the new version is fully available.
        if let preview = blueGreen.previewService, let selector = plan.previewSelector {
            try await select(preview, hash: selector, rollout: object)
        }
        if let active = blueGreen.activeService, let selector = plan.activeSelector {
            try await select(active, hash: selector, rollout: object)
        }
        var selectors: [String: JSON] = [:]
        if let active = plan.activeSelector { selectors["activeSelector"] = .string(active) }
        if let preview = plan.previewSelector, blueGreen.previewService != nil {
            selectors["previewSelector"] = .string(preview)
        }
        if let run = plan.status.prePromotionRun { selectors["prePromotionAnalysisRunStatus"] = run.json }
        if let run = plan.status.postPromotionRun { selectors["postPromotionAnalysisRunStatus"] = run.json }
        // A merge patch keeps what it does not name: a run no longer recorded is removed explicitly.
        for key in (object.status?["blueGreen"]?.objectValue ?? [:]).keys where selectors[key] == nil {
            selectors[key] = .null
        }
        let restart = try await restartPods(context)
        let checkAfter = try await writeStatus(
            object, spec: context.spec, plan: plan, hash: hash, replicaSets: states,
            extra: restart.status.merging(["blueGreen": .object(selectors)]) { _, new in new })
        if let later = [plan.requeueAfter, checkAfter, restart.after].compactMap({ $0 }).min() {
            return .requeue(after: later)
        }
        return .done
    }

    /// Starts the pre- or post-promotion AnalysisRun the plan asks for; stops the runs it no longer needs.
    func startPromotionAnalysis(
        _ plan: inout BlueGreenPlanner.Plan, _ context: RolloutContext, _ blueGreen: BlueGreenStrategy,
        runs: [KubeObject]
    ) async throws(KubeError) -> AnalysisSpecError? {
        let starter = RolloutAnalysisRuns(client: client, manager: Self.manager)
        do {
            for (wanted, raw, purpose) in [
                (plan.wantPrePromotion, blueGreen.prePromotionAnalysis, RolloutAnalysisRuns.Purpose.prePromotion),
                (plan.wantPostPromotion, blueGreen.postPromotionAnalysis, .postPromotion),
            ] where wanted {
                guard let raw else { continue }
                let name = try await starter.ensure(
                    RolloutAnalysis(raw), rollout: context.object, hash: context.hash,
                    stableHash: plan.status.stableRS, revision: context.revision, purpose: purpose)
                let ref = AnalysisRunRef(name: name, status: "Pending")
                if case .prePromotion = purpose {
                    plan.status.prePromotionRun = ref
                } else {
                    plan.status.postPromotionRun = ref
                }
                plan.keepRuns.insert(name)
            }
            try await starter.terminate(runs, except: plan.keepRuns, rollout: context.object)
        } catch let problem as AnalysisSpecError {
            return problem
        } catch let error as KubeError {
            throw error
        } catch {
            throw KubeError(code: 0, reason: KubeError.Reason(rawValue: "InternalError"), message: "\(error)")
        }
        return nil
    }

    /// The first of `names` that is not a Service in the Rollout's namespace.
    func missingService(_ names: [String], in rollout: KubeObject) async throws(KubeError) -> String? {
        for name in names where try await client.getIfExists(.services, namespace: rollout.namespace, name: name) == nil
        {
            return name
        }
        return nil
    }

    /// A canary's Services select the current and the stable version, and its traffic routers get the weight.
    func route(_ plan: CanaryPlanner.Plan, canary: CanaryStrategy, context: RolloutContext) async throws(KubeError) {
        let stableHash = plan.status.stableRS ?? context.hash
        if let service = canary.canaryService { try await select(service, hash: context.hash, rollout: context.object) }
        if let service = canary.stableService { try await select(service, hash: stableHash, rollout: context.object) }
        guard let weight = plan.routerWeight, let canaryService = canary.canaryService,
            let stableService = canary.stableService
        else { return }
        let route = TrafficRoute(
            rollout: context.object, canaryService: canaryService, stableService: stableService, manager: Self.manager)
        for router in TrafficRouters.routers(canary.trafficRouting) {
            try await router.setWeight(weight, route, client: client)
        }
        if weight != plan.status.routedWeight ?? -1 {
            await events.record(
                context.object, type: .normal, reason: "TrafficWeightUpdated",
                message: "Traffic weight updated to \(weight)% for the canary")
        }
    }

    /// Points a Service at one version: its selector gains `rollouts-pod-template-hash`, and it is marked as
    /// managed by the Rollout, as Argo Rollouts marks it.
    func select(_ service: String, hash: String, rollout: KubeObject) async throws(KubeError) {
        let current = try await client.get(.services, namespace: rollout.namespace, name: service)
        guard
            current.spec?["selector"]?[PodTemplateHash.label]?.stringValue != hash
                || current.annotations[Self.managedByAnnotation] != rollout.name
        else { return }
        _ = try await client.patch(
            .services, namespace: rollout.namespace, name: service, type: .merge,
            patch: [
                "metadata": [
                    "annotations": [Self.managedByAnnotation: .string(rollout.name)],
                    "resourceVersion": .string(current.resourceVersion ?? ""),
                ],
                "spec": ["selector": [PodTemplateHash.label: .string(hash)]],
            ], fieldManager: Self.manager)
        await events.record(
            rollout, type: .normal, reason: "SwitchService",
            message: "Switched selector for service '\(service)' to '\(hash)'")
    }
}

import Analysis
import Kube

/// Analysis in a canary: a step's AnalysisRun blocks the step until it is Successful; background analysis runs
/// from `startingStep` until the update ends. Failed or Error aborts the update; Inconclusive pauses it
/// (reason `InconclusiveAnalysisRun`) until a promotion, which moves past the step (or, for background
/// analysis, starts a fresh run).
extension CanaryPlanner {
    enum Gate {
        case proceed
        case hold
        case abort
    }

    func stepAnalysisGate(index: Int, _ plan: inout Plan) -> Gate {
        guard let run = stepRun, run.stepIndex == index else {
            plan.wantStepAnalysis = index
            plan.message = "starting the analysis of step \(index)"
            return .hold
        }
        plan.status.stepRun = run.ref
        plan.keepRuns.insert(run.name)
        switch run.phase {
        case .successful?:
            plan.keepRuns.remove(run.name)
            return .proceed
        case .failed?, .error?:
            plan.status.abort = true
            return .abort
        case .inconclusive?:
            if inconclusivePause(&plan) { return .hold }
            plan.keepRuns.remove(run.name)
            return .proceed
        default:
            plan.message = "waiting for AnalysisRun \(run.name)"
            return .hold
        }
    }

    func backgroundGate(index: Int, _ plan: inout Plan) -> Gate {
        guard let raw = canary.analysis, raw != .null else { return .proceed }
        guard index >= RolloutAnalysis(raw).startingStep else { return .proceed }
        guard let run = backgroundRun else {
            plan.wantBackgroundAnalysis = true
            return .proceed
        }
        plan.status.backgroundRun = run.ref
        plan.keepRuns.insert(run.name)
        switch run.phase {
        case .failed?, .error?:
            plan.status.abort = true
            return .abort
        case .inconclusive?:
            if inconclusivePause(&plan) { return .hold }
            plan.status.backgroundRun = nil
            plan.keepRuns.remove(run.name)
            plan.wantBackgroundAnalysis = true
            return .proceed
        default:
            return .proceed
        }
    }

    /// Pauses for an Inconclusive run; false once a promotion has cleared that pause.
    func inconclusivePause(_ plan: inout Plan) -> Bool {
        let reason = "InconclusiveAnalysisRun"
        if plan.status.controllerPause && plan.status.pauseConditions.isEmpty {
            plan.status.controllerPause = false
            return false
        }
        if !plan.status.pauseConditions.contains(where: { $0["reason"]?.stringValue == reason }) {
            plan.status.pauseConditions.append(["reason": .string(reason), "startTime": .string(KubeTime.format(now))])
            plan.status.controllerPause = true
        }
        plan.phase = "Paused"
        plan.message = reason
        return true
    }
}

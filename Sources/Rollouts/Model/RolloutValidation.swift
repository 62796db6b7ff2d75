import Kube

/// One reason a Rollout is invalid: the field and what is wrong with it. The controller reports these as the
/// `InvalidSpec` condition and changes nothing else; `capstan rollout lint` prints them.
public struct SpecProblem: Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var message: String

    public var description: String { "\(field): \(message)" }
}

/// The checks Argo Rollouts makes before it acts on a Rollout, with messages that name the field.
public enum RolloutValidation {
    public static func problems(_ spec: RolloutSpec, raw: JSON) -> [SpecProblem] {
        var problems: [SpecProblem] = []
        func problem(_ field: String, _ message: String) {
            problems.append(SpecProblem(field: field, message: message))
        }

        // A value of the wrong type would otherwise read as the default and be acted on.
        for field in ["replicas", "minReadySeconds", "revisionHistoryLimit", "progressDeadlineSeconds"] {
            if let value = raw[field], value != .null, value.intValue == nil {
                problem("spec.\(field)", "must be an integer, not \(value.serialized())")
            }
        }
        if spec.replicas < 0 { problem("spec.replicas", "must be 0 or more, not \(spec.replicas)") }
        if spec.revisionHistoryLimit < 0 { problem("spec.revisionHistoryLimit", "must be 0 or more") }
        if spec.progressDeadlineSeconds <= spec.minReadySeconds {
            problem("spec.progressDeadlineSeconds", "must be greater than spec.minReadySeconds")
        }
        switch (spec.template, spec.workloadRef) {
        case (nil, nil): problem("spec.template", "a pod template or a workloadRef is required")
        case (_?, _?): problem("spec.workloadRef", "cannot be set together with spec.template")
        case (let template?, nil): checkSelector(spec.selector, matches: template, problem)
        case (nil, _?): break  // the selector comes from the Deployment
        }
        let strategy = raw["strategy"]
        if strategy?["canary"] != nil && strategy?["blueGreen"] != nil {
            problem("spec.strategy", "only one of canary and blueGreen can be set")
        }
        switch spec.strategy {
        case .canary(let canary): checkCanary(canary, problem)
        case .blueGreen(let blueGreen): checkBlueGreen(blueGreen, problem)
        case nil:
            if strategy?["canary"] == nil && strategy?["blueGreen"] == nil {
                problem("spec.strategy", "canary or blueGreen is required")
            }
        }
        return problems
    }

    static func checkSelector(_ selector: JSON?, matches template: JSON, _ problem: (String, String) -> Void) {
        let parsed: LabelSelector?
        do { parsed = try LabelSelector(json: selector) } catch {
            problem("spec.selector", "invalid: \(error.message)")
            return
        }
        guard let parsed, !parsed.isEmpty else {
            problem("spec.selector", "is required and must not be empty")
            return
        }
        let labels = KubeObject.stringMap(template[path: ["metadata", "labels"]])
        if !parsed.matches(labels) {
            problem("spec.template.metadata.labels", "do not match spec.selector")
        }
    }

    static func checkCanary(_ canary: CanaryStrategy, _ problem: (String, String) -> Void) {
        if let canaryService = canary.canaryService, canaryService == canary.stableService {
            problem("spec.strategy.canary.stableService", "must differ from canaryService (\(canaryService))")
        }
        let surge = canary.maxSurge
        let unavailable = canary.maxUnavailable
        if surge == nil { problem("spec.strategy.canary.maxSurge", "must be a count or a percentage") }
        if unavailable == nil { problem("spec.strategy.canary.maxUnavailable", "must be a count or a percentage") }
        if let surge, let unavailable, surge.resolve(total: 100, roundUp: true) == 0,
            unavailable.resolve(total: 100, roundUp: false) == 0
        {
            problem("spec.strategy.canary.maxUnavailable", "cannot be 0 when maxSurge is 0")
        }
        for (index, step) in canary.steps.enumerated() {
            let field = "spec.strategy.canary.steps[\(index)]"
            let actions = step.actions
            let exclusive = actions.filter(CanaryStep.exclusiveActions.contains)
            if actions.isEmpty {
                problem(field, "a step needs an action (\(CanaryStep.knownActions.joined(separator: ", ")))")
            } else if exclusive.count > 1 {
                problem(
                    field,
                    "a step can hold only one of setWeight, pause, experiment and analysis, not "
                        + exclusive.joined(separator: " and "))
            }
            if let unknown = actions.first(where: { !CanaryStep.knownActions.contains($0) }) {
                problem("\(field).\(unknown)", "is not a canary step action")
            }
            if step.raw["setWeight"] != nil {
                if let weight = step.setWeight {
                    if !(0...100).contains(weight) { problem("\(field).setWeight", "must be 0 to 100, not \(weight)") }
                } else {
                    problem("\(field).setWeight", "must be an integer")
                }
            }
            if let invalid = step.pause.invalid {
                problem("\(field).pause.duration", "\"\(invalid)\" is not a duration (30, 30s, 5m, 1h)")
            }
            if let scale = step.setCanaryScale {
                checkCanaryScale(scale, field: "\(field).setCanaryScale", routed: canary.isTrafficRouted, problem)
            }
        }
        if canary.raw["scaleDownDelaySeconds"] != nil && !canary.isTrafficRouted {
            problem("spec.strategy.canary.scaleDownDelaySeconds", "can only be used with traffic routing")
        }
        if canary.dynamicStableScale {
            if !canary.isTrafficRouted {
                problem("spec.strategy.canary.dynamicStableScale", "can only be used with traffic routing")
            } else if canary.raw["scaleDownDelaySeconds"] != nil {
                problem("spec.strategy.canary.dynamicStableScale", "cannot be used with scaleDownDelaySeconds")
            }
        }
        for field in ["canaryMetadata", "stableMetadata"] {
            for member in ["labels", "annotations"] {
                guard let map = canary.raw[field]?[member], map != .null else { continue }
                let values = map.objectValue?.values.map { $0 } ?? []
                if map.objectValue == nil || values.contains(where: { $0.stringValue == nil }) {
                    problem("spec.strategy.canary.\(field).\(member)", "must map names to strings")
                }
            }
        }
        if let minimum = canary.minPodsPerReplicaSet, minimum < 1 {
            problem("spec.strategy.canary.minPodsPerReplicaSet", "must be at least 1, not \(minimum)")
        }
    }

    static func checkCanaryScale(
        _ scale: CanaryStep.CanaryScale, field: String, routed: Bool, _ problem: (String, String) -> Void
    ) {
        if !routed { problem(field, "requires spec.strategy.canary.trafficRouting") }
        let set = [scale.replicas != nil, scale.weight != nil, scale.matchTrafficWeight].filter { $0 }.count
        if set != 1 { problem(field, "must set exactly one of replicas, weight and matchTrafficWeight") }
        if let replicas = scale.replicas, replicas < 0 { problem("\(field).replicas", "must be 0 or more") }
        if let weight = scale.weight, weight < 0 { problem("\(field).weight", "must be 0 or more") }
    }

    static func checkBlueGreen(_ blueGreen: BlueGreenStrategy, _ problem: (String, String) -> Void) {
        guard let active = blueGreen.activeService, !active.isEmpty else {
            problem("spec.strategy.blueGreen.activeService", "is required")
            return
        }
        if blueGreen.previewService == active {
            problem("spec.strategy.blueGreen.previewService", "must differ from activeService (\(active))")
        }
        if let count = blueGreen.previewReplicaCount, count < 0 {
            problem("spec.strategy.blueGreen.previewReplicaCount", "must be 0 or more")
        }
    }
}

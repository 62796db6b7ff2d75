import Kube

/// The `argoproj.io` Rollout CRD the controller installs when the cluster lacks it: status and scale
/// subresources (so `kubectl scale rollout` and HPAs work) and the columns Argo Rollouts' CRD prints.
enum RolloutCRDs {
    static let definitions = [
        CustomResources.definition(
            group: "argoproj.io", plural: "rollouts", kind: "Rollout", shortNames: ["ro"],
            printerColumns: [
                ["name": "Desired", "type": "integer", "jsonPath": ".spec.replicas"],
                ["name": "Current", "type": "integer", "jsonPath": ".status.replicas"],
                ["name": "Up-to-date", "type": "integer", "jsonPath": ".status.updatedReplicas"],
                ["name": "Available", "type": "integer", "jsonPath": ".status.availableReplicas"],
                ["name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"],
            ],
            subresources: [
                "status": [:],
                "scale": [
                    "specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.HPAReplicas",
                    "labelSelectorPath": ".status.selector",
                ],
            ])
    ]
}

/// What the engine does not do yet, refused with a condition instead of a half-done rollout.
enum RolloutSupport {
    static let supportedActions: Set<String> = ["setWeight", "pause", "analysis", "setCanaryScale"]

    static func unsupported(_ spec: RolloutSpec) -> [SpecProblem] {
        var problems: [SpecProblem] = []
        switch spec.strategy {
        case .blueGreen: break
        case .canary(let canary):
            problems += TrafficRouters.problems(canary.trafficRouting, canary: canary)
            for (index, step) in canary.steps.enumerated() {
                for action in step.actions where !supportedActions.contains(action) {
                    problems.append(
                        SpecProblem(
                            field: "spec.strategy.canary.steps[\(index)].\(action)",
                            message: "is not supported by Capstan yet"))
                }
            }
        case nil: break
        }
        return problems
    }
}

import Analysis
import Kube

/// An `analysis` block of a Rollout (a canary step's, the canary's background analysis, or blue-green's pre-
/// and post-promotion analysis): the templates to compose, the arguments to pass, dry-run and retention
/// rules, and for background analysis the step it starts at.
public struct RolloutAnalysis: Sendable, Equatable {
    /// A template reference: an AnalysisTemplate in the Rollout's namespace, or a ClusterAnalysisTemplate.
    public struct TemplateRef: Sendable, Equatable {
        public var name: String
        public var clusterScope: Bool
    }

    public var templates: [TemplateRef]
    public var args: [AnalysisArgument]
    public var dryRun: [JSON]
    public var measurementRetention: [JSON]
    public var startingStep: Int

    public init(_ json: JSON) {
        var templates = (json["templates"]?.arrayValue ?? []).compactMap { ref -> TemplateRef? in
            guard let name = ref["templateName"]?.stringValue else { return nil }
            return TemplateRef(name: name, clusterScope: ref["clusterScope"]?.boolValue ?? false)
        }
        // The single `templateName` of Argo Rollouts before v0.9.
        if let single = json["templateName"]?.stringValue {
            templates.append(TemplateRef(name: single, clusterScope: false))
        }
        self.templates = templates
        args = (json["args"]?.arrayValue ?? []).map(AnalysisArgument.init)
        dryRun = json["dryRun"]?.arrayValue ?? []
        measurementRetention = json["measurementRetention"]?.arrayValue ?? []
        startingStep = json["startingStep"]?.intValue.map(Int.init) ?? 0
    }
}

/// What the planner knows of an AnalysisRun it waits on.
public struct AnalysisRunState: Sendable, Equatable {
    public var name: String
    public var phase: AnalysisPhase?
    public var message: String
    /// The canary step it was started for; nil for background analysis.
    public var stepIndex: Int?

    public init(name: String, phase: AnalysisPhase?, message: String = "", stepIndex: Int?) {
        self.name = name
        self.phase = phase
        self.message = message
        self.stepIndex = stepIndex
    }

    var ref: AnalysisRunRef { AnalysisRunRef(name: name, status: phase?.rawValue ?? "Pending", message: message) }
}

import Analysis
import Foundation
import Kube

/// The AnalysisRuns a Rollout starts and stops. A run is named `<rollout>-<hash>-<revision>[-<step>|-pre|-post]`,
/// with
/// `-2`, `-3`... for later attempts (after a retry), owned by the Rollout and labelled as Argo labels it
/// (`rollouts-pod-template-hash`, `rollout-type: Step|Background`, `step-index`). A run that exists, is the
/// Rollout's and is still going is adopted rather than started again, so a controller that stopped between
/// creating a run and recording it in the Rollout's status does not start a second one.
struct RolloutAnalysisRuns {
    static let typeLabel = "rollout-type"
    static let stepLabel = "step-index"

    let client: KubeClient
    let manager: String

    /// The run the status records, as the planner sees it; nil when it does not exist or is not for `hash`.
    static func state(_ ref: AnalysisRunRef?, runs: [KubeObject], hash: String) -> AnalysisRunState? {
        guard let ref, let run = runs.first(where: { $0.name == ref.name }),
            run.labels[PodTemplateHash.label] == hash
        else { return nil }
        return AnalysisRunState(
            name: run.name, phase: run.status?["phase"]?.stringValue.flatMap(AnalysisPhase.init(rawValue:)),
            message: run.status?["message"]?.stringValue ?? "", stepIndex: run.labels[stepLabel].flatMap { Int($0) })
    }

    /// What a run is for: a canary step, background analysis, or blue-green's pre- or post-promotion analysis.
    enum Purpose {
        case step(Int)
        case background
        case prePromotion
        case postPromotion

        var label: String {
            switch self {
            case .step: return "Step"
            case .background: return "Background"
            case .prePromotion: return "PrePromotion"
            case .postPromotion: return "PostPromotion"
            }
        }

        var suffix: String {
            switch self {
            case .step(let index): return "-\(index)"
            case .background: return ""
            case .prePromotion: return "-pre"
            case .postPromotion: return "-post"
            }
        }
    }

    /// Starts (or adopts) the run for `analysis` and returns its name.
    func ensure(
        _ analysis: RolloutAnalysis, rollout: KubeObject, hash: String, stableHash: String?, revision: Int,
        purpose: Purpose
    ) async throws -> String {
        let base = "\(rollout.name)-\(hash)-\(revision)" + purpose.suffix
        for attempt in 1...50 {
            let name = attempt == 1 ? base : "\(base)-\(attempt)"
            if let existing = try await client.getIfExists(
                AnalysisCRDs.analysisRuns, namespace: rollout.namespace, name: name)
            {
                let owned = existing.ownerReferences.contains { $0.uid == rollout.uid }
                let phase = existing.status?["phase"]?.stringValue.flatMap(AnalysisPhase.init(rawValue:))
                let going = phase?.isCompleted != true && existing.spec?["terminate"]?.boolValue != true
                if owned && going { return name }
                continue
            }
            let spec = try await runSpec(analysis, rollout: rollout, hash: hash, stableHash: stableHash)
            var labels: [String: JSON] = [
                PodTemplateHash.label: .string(hash), Self.typeLabel: .string(purpose.label),
            ]
            if case .step(let index) = purpose { labels[Self.stepLabel] = .string(String(index)) }
            let run = KubeObject([
                "apiVersion": "argoproj.io/v1alpha1", "kind": "AnalysisRun",
                "metadata": [
                    "name": .string(name), "namespace": .string(rollout.namespace ?? ""), "labels": .object(labels),
                    "annotations": [RevisionHistory.annotation: .string(String(revision))],
                    "ownerReferences": [
                        [
                            "apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": .string(rollout.name),
                            "uid": .string(rollout.uid ?? ""), "controller": true, "blockOwnerDeletion": true,
                        ]
                    ],
                ],
                "spec": spec,
            ])
            if try await create(run) { return name }
        }
        throw AnalysisSpecError("rollout \(rollout.name) has 50 analysis runs for \(base) already")
    }

    /// Creates `run`; false when a run of that name appeared meanwhile.
    func create(_ run: KubeObject) async throws(KubeError) -> Bool {
        do {
            _ = try await client.create(run, fieldManager: manager)
            return true
        } catch {
            if error.isAlreadyExists { return false }
            throw error
        }
    }

    /// Sets `spec.terminate` on the Rollout's runs that are still going and not in `keep`.
    func terminate(_ runs: [KubeObject], except keep: Set<String>, rollout: KubeObject) async throws {
        for run in runs where !keep.contains(run.name) && run.ownerReferences.contains(where: { $0.uid == rollout.uid })
        {
            let phase = run.status?["phase"]?.stringValue.flatMap(AnalysisPhase.init(rawValue:))
            guard phase?.isCompleted != true, run.spec?["terminate"]?.boolValue != true else { continue }
            _ = try await client.patch(
                AnalysisCRDs.analysisRuns, namespace: run.namespace, name: run.name, type: .merge,
                patch: ["spec": ["terminate": true]], fieldManager: manager)
        }
    }

    /// The run's spec: the templates composed with the Rollout's arguments, pod template hashes and fields of
    /// the Rollout resolved here, Secrets left for the AnalysisRun controller.
    func runSpec(
        _ analysis: RolloutAnalysis, rollout: KubeObject, hash: String, stableHash: String?
    ) async throws
        -> JSON
    {
        var templateSpecs: [JSON] = []
        for template in analysis.templates {
            let gvr = template.clusterScope ? AnalysisCRDs.clusterAnalysisTemplates : AnalysisCRDs.analysisTemplates
            let kind = template.clusterScope ? "ClusterAnalysisTemplate" : "AnalysisTemplate"
            guard let found = try await client.getIfExists(gvr, namespace: rollout.namespace, name: template.name)
            else {
                throw AnalysisSpecError("\(kind) \"\(template.name)\" not found")
            }
            templateSpecs.append(found.spec ?? [:])
        }
        var args: [AnalysisArgument] = []
        for arg in analysis.args {
            args.append(try Self.resolve(arg, rollout: rollout, hash: hash, stableHash: stableHash))
        }
        var spec = try AnalysisTemplates.merge(templateSpecs, args: args)
        // A template's own `valueFrom.fieldRef` or `podTemplateHashValue` is resolved here too.
        var merged: [JSON] = []
        for arg in (spec["args"]?.arrayValue ?? []).map(AnalysisArgument.init) {
            merged.append(try Self.resolve(arg, rollout: rollout, hash: hash, stableHash: stableHash).json)
        }
        if !merged.isEmpty { spec["args"] = .array(merged) }
        if !analysis.dryRun.isEmpty { spec["dryRun"] = .array((spec["dryRun"]?.arrayValue ?? []) + analysis.dryRun) }
        if !analysis.measurementRetention.isEmpty {
            spec["measurementRetention"] = .array(
                (spec["measurementRetention"]?.arrayValue ?? []) + analysis.measurementRetention)
        }
        return spec
    }

    /// An argument with `podTemplateHashValue` (`Stable` or `Latest`) or `fieldRef` into the Rollout resolved.
    static func resolve(
        _ arg: AnalysisArgument, rollout: KubeObject, hash: String, stableHash: String?
    )
        throws(AnalysisSpecError) -> AnalysisArgument
    {
        guard let from = arg.valueFrom else { return arg }
        if let which = from["podTemplateHashValue"]?.stringValue {
            switch which {
            case "Latest": return AnalysisArgument(name: arg.name, value: hash)
            case "Stable": return AnalysisArgument(name: arg.name, value: stableHash ?? hash)
            default:
                throw AnalysisSpecError("args.\(arg.name): podTemplateHashValue must be Stable or Latest, not \(which)")
            }
        }
        if let path = from["fieldRef"]?["fieldPath"]?.stringValue {
            guard let value = FieldPath.value(path, in: rollout.json) else {
                throw AnalysisSpecError("args.\(arg.name): the Rollout has no field \(path)")
            }
            return AnalysisArgument(name: arg.name, value: value.stringValue ?? value.serialized())
        }
        return arg
    }
}

/// Field paths as `fieldRef` writes them: `metadata.name`, `metadata.labels['app']`, `spec.replicas`.
enum FieldPath {
    static func value(_ path: String, in object: JSON) -> JSON? {
        var current: JSON? = object
        var rest = Substring(path)
        while !rest.isEmpty, let node = current {
            if rest.hasPrefix("[") {
                guard let close = rest.firstIndex(of: "]") else { return nil }
                let key = rest[rest.index(after: rest.startIndex)..<close].trimmingCharacters(in: ["'", "\""])
                current = node[key]
                rest = rest[rest.index(after: close)...]
            } else {
                if rest.hasPrefix(".") { rest = rest.dropFirst() }
                let key = rest.prefix { $0 != "." && $0 != "[" }
                current = node[String(key)]
                rest = rest.dropFirst(key.count)
            }
        }
        return current
    }
}

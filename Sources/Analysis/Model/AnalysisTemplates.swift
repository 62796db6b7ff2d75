import Kube

/// Builds an AnalysisRun's spec from AnalysisTemplates (or ClusterAnalysisTemplates) and the arguments a
/// Rollout (or the command line) passes, as Argo merges them: metrics, dry-run and retention rules are
/// concatenated (two metrics of one name are an error); an argument declared by several templates must agree;
/// passed arguments override the templates' by name and arguments no template declares are ignored; every
/// argument must end with a value or a `valueFrom`.
public enum AnalysisTemplates {
    public static func merge(
        _ templateSpecs: [JSON], args passed: [AnalysisArgument]
    ) throws(AnalysisSpecError)
        -> JSON
    {
        var metrics: [JSON] = []
        var names: Set<String> = []
        var declared: [AnalysisArgument] = []
        var dryRun: [JSON] = []
        var retention: [JSON] = []
        for spec in templateSpecs {
            for metric in spec["metrics"]?.arrayValue ?? [] {
                let name = metric["name"]?.stringValue ?? ""
                guard names.insert(name).inserted else {
                    throw AnalysisSpecError("two metrics have the same name '\(name)'")
                }
                metrics.append(metric)
            }
            for arg in (spec["args"]?.arrayValue ?? []).map(AnalysisArgument.init) {
                if let index = declared.firstIndex(where: { $0.name == arg.name }) {
                    let earlier = declared[index]
                    if earlier.value != nil, arg.value != nil, earlier.value != arg.value {
                        throw AnalysisSpecError("argument \(arg.name) has different values in two templates")
                    }
                    if earlier.value == nil && earlier.valueFrom == nil { declared[index] = arg }
                } else {
                    declared.append(arg)
                }
            }
            dryRun += spec["dryRun"]?.arrayValue ?? []
            retention += spec["measurementRetention"]?.arrayValue ?? []
        }
        var args: [AnalysisArgument] = []
        for var arg in declared {
            if let given = passed.first(where: { $0.name == arg.name }) {
                arg.value = given.value
                arg.valueFrom = given.valueFrom
            }
            guard arg.value != nil || arg.valueFrom != nil else {
                throw AnalysisSpecError("args.\(arg.name) was not resolved")
            }
            args.append(arg)
        }
        var spec: JSON = ["metrics": .array(metrics)]
        if !args.isEmpty { spec["args"] = .array(args.map(\.json)) }
        if !dryRun.isEmpty { spec["dryRun"] = .array(dryRun) }
        if !retention.isEmpty { spec["measurementRetention"] = .array(retention) }
        return spec
    }
}

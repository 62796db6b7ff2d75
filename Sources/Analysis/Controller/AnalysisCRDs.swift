import Kube

/// The `argoproj.io` analysis CRDs the controller installs when the cluster lacks them, with the short names
/// and columns of Argo Rollouts' own definitions.
public enum AnalysisCRDs {
    public static let analysisRuns = GroupVersionResource(
        group: "argoproj.io", version: "v1alpha1", resource: "analysisruns")
    public static let analysisTemplates = GroupVersionResource(
        group: "argoproj.io", version: "v1alpha1", resource: "analysistemplates")
    public static let clusterAnalysisTemplates = GroupVersionResource(
        group: "argoproj.io", version: "v1alpha1", resource: "clusteranalysistemplates")

    public static let definitions = [
        CustomResources.definition(
            group: "argoproj.io", plural: "analysisruns", kind: "AnalysisRun", shortNames: ["ar"],
            printerColumns: [
                ["name": "Status", "type": "string", "jsonPath": ".status.phase"],
                ["name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"],
            ],
            subresources: ["status": [:]]),
        CustomResources.definition(
            group: "argoproj.io", plural: "analysistemplates", kind: "AnalysisTemplate", shortNames: ["at"],
            printerColumns: [["name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"]]),
        CustomResources.definition(
            group: "argoproj.io", plural: "clusteranalysistemplates", kind: "ClusterAnalysisTemplate",
            shortNames: ["cat"],
            printerColumns: [["name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"]],
            clusterScoped: true),
    ]
}

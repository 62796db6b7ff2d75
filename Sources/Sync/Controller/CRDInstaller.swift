import Kube

/// Installs the `argoproj.io` CRDs the reconciler needs when the cluster lacks them. Like Argo CD's, the
/// Application CRD has no status subresource (status and `operation` are written on the object).
public enum CRDInstaller {
    public static let definitions = [
        CustomResources.definition(
            group: "argoproj.io", plural: "applications", kind: "Application", shortNames: ["app", "apps"],
            // The columns Argo CD's own CRD prints.
            printerColumns: [
                ["name": "Sync Status", "type": "string", "jsonPath": ".status.sync.status"],
                ["name": "Health Status", "type": "string", "jsonPath": ".status.health.status"],
                ["name": "Revision", "type": "string", "jsonPath": ".status.sync.revision", "priority": 10],
                ["name": "Project", "type": "string", "jsonPath": ".spec.project", "priority": 10],
            ]),
        CustomResources.definition(
            group: "argoproj.io", plural: "appprojects", kind: "AppProject", shortNames: ["appproj", "appprojs"]),
    ]

    public static func ensure(client: KubeClient) async throws(KubeError) {
        try await CustomResources.ensure(definitions, client: client, served: Application.gvr)
    }
}

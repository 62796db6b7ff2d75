import Kube

/// Installs the `argoproj.io` CRDs the reconciler needs when the cluster lacks them. Like Argo CD's, the
/// Application CRD has no status subresource (status and `operation` are written on the object).
public enum CRDInstaller {
    public static func definition(
        plural: String, kind: String, shortNames: [String], printerColumns: [JSON] = []
    ) -> KubeObject {
        KubeObject(
            apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", name: "\(plural).argoproj.io",
            body: [
                "spec": [
                    "group": "argoproj.io", "scope": "Namespaced",
                    "names": [
                        "plural": .string(plural), "singular": .string(kind.lowercased()), "kind": .string(kind),
                        "listKind": .string(kind + "List"), "shortNames": .array(shortNames.map(JSON.string)),
                    ],
                    "versions": [
                        [
                            "name": "v1alpha1", "served": true, "storage": true,
                            "additionalPrinterColumns": .array(printerColumns),
                            "schema": [
                                "openAPIV3Schema": ["type": "object", "x-kubernetes-preserve-unknown-fields": true]
                            ],
                        ]
                    ],
                ]
            ])
    }

    public static let definitions = [
        definition(
            plural: "applications", kind: "Application", shortNames: ["app", "apps"],
            // The columns Argo CD's own CRD prints.
            printerColumns: [
                ["name": "Sync Status", "type": "string", "jsonPath": ".status.sync.status"],
                ["name": "Health Status", "type": "string", "jsonPath": ".status.health.status"],
                ["name": "Revision", "type": "string", "jsonPath": ".status.sync.revision", "priority": 10],
                ["name": "Project", "type": "string", "jsonPath": ".spec.project", "priority": 10],
            ]),
        definition(plural: "appprojects", kind: "AppProject", shortNames: ["appproj", "appprojs"]),
    ]

    public static func ensure(client: KubeClient) async throws(KubeError) {
        for crd in definitions {
            do { _ = try await client.create(crd) } catch {
                if !error.isAlreadyExists { throw error }
            }
        }
        for _ in 0..<100 {
            do {
                _ = try await client.resource(for: Application.gvr)
                return
            } catch  where error.isNotFound {
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        _ = try await client.resource(for: Application.gvr)  // still not served: the caller gets the error
    }
}

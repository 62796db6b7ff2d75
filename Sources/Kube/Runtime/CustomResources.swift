/// CustomResourceDefinitions a controller installs when the cluster lacks them, and the wait until the API
/// server serves them.
public enum CustomResources {
    /// A single-version CRD (namespaced unless `clusterScoped`) whose schema keeps every field (the controller
    /// validates specs itself and reports problems as conditions).
    public static func definition(
        group: String, version: String = "v1alpha1", plural: String, kind: String, shortNames: [String],
        printerColumns: [JSON] = [], subresources: JSON? = nil, clusterScoped: Bool = false
    ) -> KubeObject {
        var served: JSON = [
            "name": .string(version), "served": true, "storage": true,
            "additionalPrinterColumns": .array(printerColumns),
            "schema": ["openAPIV3Schema": ["type": "object", "x-kubernetes-preserve-unknown-fields": true]],
        ]
        if let subresources { served["subresources"] = subresources }
        return KubeObject(
            apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", name: "\(plural).\(group)",
            body: [
                "spec": [
                    "group": .string(group), "scope": clusterScoped ? "Cluster" : "Namespaced",
                    "names": [
                        "plural": .string(plural), "singular": .string(kind.lowercased()), "kind": .string(kind),
                        "listKind": .string(kind + "List"), "shortNames": .array(shortNames.map(JSON.string)),
                    ],
                    "versions": [served],
                ]
            ])
    }

    /// Creates the definitions that are missing and waits until `gvr` is served.
    public static func ensure(
        _ definitions: [KubeObject], client: KubeClient, served gvr: GroupVersionResource
    ) async throws(KubeError) {
        for crd in definitions {
            do { _ = try await client.create(crd) } catch {
                if !error.isAlreadyExists { throw error }
            }
        }
        for _ in 0..<100 {
            do {
                _ = try await client.resource(for: gvr)
                return
            } catch  where error.isNotFound {
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        _ = try await client.resource(for: gvr)  // still not served: the caller gets the error
    }
}

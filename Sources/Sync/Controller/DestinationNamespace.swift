import Kube

/// `CreateNamespace=true`: makes the destination namespace when it is missing, and server-side applies
/// `managedNamespaceMetadata` to it (as the field manager `capstan`), as Argo CD does.
enum DestinationNamespace {
    static func ensure(_ name: String, metadata: ManagedNamespaceMetadata?, client: KubeClient) async throws {
        guard let metadata else {
            if try await client.getIfExists(.namespaces, name: name) != nil { return }
            do { _ = try await client.create(KubeObject(apiVersion: "v1", kind: "Namespace", name: name)) } catch {
                if !error.isAlreadyExists { throw error }
            }
            return
        }
        var namespace = KubeObject(apiVersion: "v1", kind: "Namespace", name: name)
        if !metadata.labels.isEmpty { namespace.labels = metadata.labels }
        if !metadata.annotations.isEmpty { namespace.annotations = metadata.annotations }
        _ = try await client.apply(namespace, fieldManager: SyncModule.fieldManager, force: true)
    }
}

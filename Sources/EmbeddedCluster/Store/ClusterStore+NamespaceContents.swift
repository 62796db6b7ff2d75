import Foundation
import Kube

/// What a real control plane puts into every namespace as it is created: the `default` ServiceAccount (the
/// service-account controller) and the `kube-root-ca.crt` ConfigMap with the cluster's CA (the root-CA
/// publisher), so that manifests and clients that rely on them find them here too.
extension ClusterStore {
    static let rootCAConfigMap = "kube-root-ca.crt"

    /// Sets the CA clients verify the server with (nil when serving HTTP) and publishes it in every namespace
    /// (also filling in namespaces made before, or stored by an older version).
    public func setRootCA(_ pem: String?) {
        rootCA = pem ?? ""
        for key in (objects["namespaces"] ?? [:]).keys where !terminatingNamespaces.contains(key.name) {
            populateNamespace(key.name)
            let configMapKey = ObjectKey(resource: "configmaps", namespace: key.name, name: Self.rootCAConfigMap)
            guard var configMap = objects["configmaps"]?[configMapKey]?.object,
                configMap.json[path: ["data", "ca.crt"]]?.stringValue != rootCA
            else { continue }
            configMap.json[path: ["data", "ca.crt"]] = .string(rootCA)
            commitInBackground(configMapKey, configMap, event: .modified)
        }
    }

    func populateNamespace(_ name: String) {
        let account = KubeObject(apiVersion: "v1", kind: "ServiceAccount", name: "default", namespace: name)
        createSystemObject(account, resource: "serviceaccounts", manager: nil)
        let configMap = KubeObject(
            apiVersion: "v1", kind: "ConfigMap", name: Self.rootCAConfigMap, namespace: name,
            body: ["data": ["ca.crt": .string(rootCA)]])
        var published = configMap
        published.annotations = ["kubernetes.io/description": Self.rootCADescription]
        createSystemObject(published, resource: "configmaps", manager: "kube-controller-manager")
    }

    static let rootCADescription =
        "CA bundle for verifying the API server from inside the cluster (kubernetes.default.svc), "
        + "published in every namespace by the embedded control plane."

    /// Creates an object the control plane makes itself, unless one of that name is there already. `manager`
    /// is recorded in managedFields as the real controller records itself (the service-account controller
    /// records nothing).
    func createSystemObject(_ input: KubeObject, resource: String, manager: String?) {
        let key = ObjectKey(resource: resource, namespace: input.namespace ?? "", name: input.name)
        guard objects[resource]?[key] == nil else { return }
        var object = input
        object.uid = ObjectUID.make()
        object.json[path: ["metadata", "creationTimestamp"]] = .string(KubeTime.now())
        Defaults.apply(to: &object, resource: resource)
        if let manager {
            object.json = FieldOwnership.recordUpdate(manager: manager, old: nil, new: object.json, subresource: nil)
        }
        commitInBackground(key, object, event: .added)
    }
}

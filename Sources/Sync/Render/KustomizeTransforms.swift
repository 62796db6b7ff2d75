import Kube

/// The built-in transformations of a kustomization, each a pure function over the object list.
enum KustomizeTransforms {
    /// Kinds kustomize treats as cluster-scoped (no namespace is set on them).
    static let clusterScoped: Set<String> = [
        "Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PersistentVolume",
        "StorageClass", "Node", "APIService", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
        "PriorityClass", "IngressClass", "RuntimeClass", "CSIDriver", "CSINode", "VolumeAttachment",
        "PodSecurityPolicy", "ClusterIssuer", "AppProject",
    ]
    static let podTemplateKinds: Set<String> = ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job"]

    static func setNamespace(_ namespace: String, _ objects: inout [KubeObject]) {
        for i in objects.indices where !clusterScoped.contains(objects[i].kind) {
            objects[i].json[path: ["metadata", "namespace"]] = .string(namespace)
            if objects[i].kind == "RoleBinding" || objects[i].kind == "ClusterRoleBinding",
                var subjects = objects[i].json[path: ["subjects"]]?.arrayValue
            {
                for j in subjects.indices where subjects[j]["kind"]?.stringValue == "ServiceAccount" {
                    subjects[j]["namespace"] = .string(namespace)
                }
                objects[i].json["subjects"] = .array(subjects)
            }
        }
    }

    /// Adds prefix/suffix to names and to the references pod templates make to ConfigMaps, Secrets and
    /// ServiceAccounts that were renamed.
    static func rename(prefix: String, suffix: String, _ objects: inout [KubeObject]) {
        guard !prefix.isEmpty || !suffix.isEmpty else { return }
        var renamed: [String: Set<String>] = [:]
        for i in objects.indices where objects[i].kind != "Namespace" && objects[i].kind != "CustomResourceDefinition" {
            renamed[objects[i].kind, default: []].insert(objects[i].name)
            objects[i].json[path: ["metadata", "name"]] = .string(prefix + objects[i].name + suffix)
        }
        func mapped(_ kind: String, _ json: JSON?) -> JSON? {
            guard let name = json?.stringValue, renamed[kind]?.contains(name) == true else { return json }
            return .string(prefix + name + suffix)
        }
        for i in objects.indices {
            let templatePath: [String] = objects[i].kind == "Pod" ? [] : ["spec", "template"]
            guard podTemplateKinds.contains(objects[i].kind) || objects[i].kind == "Pod",
                var pod = objects[i].json[path: templatePath + ["spec"]]
            else { continue }
            pod["serviceAccountName"] = mapped("ServiceAccount", pod["serviceAccountName"])
            if var volumes = pod["volumes"]?.arrayValue {
                for v in volumes.indices {
                    if volumes[v]["configMap"] != nil {
                        volumes[v][path: ["configMap", "name"]] = mapped(
                            "ConfigMap", volumes[v][path: ["configMap", "name"]])
                    }
                    if volumes[v]["secret"] != nil {
                        volumes[v][path: ["secret", "secretName"]] = mapped(
                            "Secret", volumes[v][path: ["secret", "secretName"]])
                    }
                }
                pod["volumes"] = .array(volumes)
            }
            for field in ["containers", "initContainers"] {
                guard var containers = pod[field]?.arrayValue else { continue }
                for c in containers.indices {
                    if var envFrom = containers[c]["envFrom"]?.arrayValue {
                        for e in envFrom.indices {
                            if envFrom[e]["configMapRef"] != nil {
                                envFrom[e][path: ["configMapRef", "name"]] = mapped(
                                    "ConfigMap", envFrom[e][path: ["configMapRef", "name"]])
                            }
                            if envFrom[e]["secretRef"] != nil {
                                envFrom[e][path: ["secretRef", "name"]] = mapped(
                                    "Secret", envFrom[e][path: ["secretRef", "name"]])
                            }
                        }
                        containers[c]["envFrom"] = .array(envFrom)
                    }
                    if var env = containers[c]["env"]?.arrayValue {
                        for e in env.indices {
                            if env[e][path: ["valueFrom", "configMapKeyRef"]] != nil {
                                env[e][path: ["valueFrom", "configMapKeyRef", "name"]] = mapped(
                                    "ConfigMap", env[e][path: ["valueFrom", "configMapKeyRef", "name"]])
                            }
                            if env[e][path: ["valueFrom", "secretKeyRef"]] != nil {
                                env[e][path: ["valueFrom", "secretKeyRef", "name"]] = mapped(
                                    "Secret", env[e][path: ["valueFrom", "secretKeyRef", "name"]])
                            }
                        }
                        containers[c]["env"] = .array(env)
                    }
                }
                pod[field] = .array(containers)
            }
            objects[i].json[path: templatePath + ["spec"]] = pod
        }
    }

    /// commonLabels: metadata, pod templates and selectors; `labels` entries reach selectors only with
    /// `includeSelectors: true`.
    static func addLabels(_ labels: [String: String], selectors: Bool, templates: Bool, _ objects: inout [KubeObject]) {
        guard !labels.isEmpty else { return }
        let values = labels.mapValues(JSON.string)
        for i in objects.indices {
            merge(values, into: ["metadata", "labels"], of: &objects[i])
            guard templates || selectors else { continue }
            if podTemplateKinds.contains(objects[i].kind) {
                if templates || selectors {
                    merge(values, into: ["spec", "template", "metadata", "labels"], of: &objects[i])
                }
                if selectors && objects[i].kind != "Job" {
                    merge(values, into: ["spec", "selector", "matchLabels"], of: &objects[i])
                }
            } else if objects[i].kind == "Service", selectors {
                merge(values, into: ["spec", "selector"], of: &objects[i])
            }
        }
    }

    static func addAnnotations(_ annotations: [String: String], _ objects: inout [KubeObject]) {
        guard !annotations.isEmpty else { return }
        let values = annotations.mapValues(JSON.string)
        for i in objects.indices {
            merge(values, into: ["metadata", "annotations"], of: &objects[i])
            if podTemplateKinds.contains(objects[i].kind) {
                merge(values, into: ["spec", "template", "metadata", "annotations"], of: &objects[i])
            }
        }
    }

    static func merge(_ values: [String: JSON], into path: [String], of object: inout KubeObject) {
        var current = object.json[path: path]?.objectValue ?? [:]
        current.merge(values) { _, new in new }
        object.json[path: path] = .object(current)
    }

    static let scalable: Set<String> = ["Deployment", "ReplicaSet", "StatefulSet", "ReplicationController", "Rollout"]

    /// `replicas` entries name objects by their name before or after namePrefix/nameSuffix.
    static func setReplicas(
        _ replicas: [(name: String, count: Int64)], renamedWith affix: (String, String),
        _ objects: inout [KubeObject]
    ) {
        for (name, count) in replicas {
            for i in objects.indices
            where (objects[i].name == name || objects[i].name == affix.0 + name + affix.1)
                && (scalable.contains(objects[i].kind) || objects[i].spec?["replicas"] != nil)
            {
                objects[i].json[path: ["spec", "replicas"]] = .int(count)
            }
        }
    }

    /// Rewrites container images whose name (without tag or digest) matches an `images` entry.
    static func setImages(_ images: [ImageOverride], _ objects: inout [KubeObject]) {
        guard !images.isEmpty else { return }
        for i in objects.indices {
            let specPath: [String]? =
                objects[i].kind == "Pod"
                ? ["spec"]
                : objects[i].kind == "CronJob"
                    ? ["spec", "jobTemplate", "spec", "template", "spec"]
                    : objects[i].json[path: ["spec", "template", "spec"]] != nil ? ["spec", "template", "spec"] : nil
            guard let specPath else { continue }
            for field in ["containers", "initContainers"] {
                guard var containers = objects[i].json[path: specPath + [field]]?.arrayValue else { continue }
                for c in containers.indices {
                    guard let image = containers[c]["image"]?.stringValue else { continue }
                    let reference = ImageReference(image)
                    if let override = images.first(where: { $0.name == reference.name }) {
                        containers[c]["image"] = .string(override.apply(to: reference))
                    }
                }
                objects[i].json[path: specPath + [field]] = .array(containers)
            }
        }
    }
}

/// The protobuf messages kubectl's generators send (`kubectl create namespace|configmap|secret|serviceaccount|
/// deployment|job|service|role|rolebinding`, `kubectl run`), by the field numbers of Kubernetes' API types.
/// Only these are read; a field outside them is refused by name rather than dropped.
enum ProtoSchema {
    indirect enum Kind: Sendable {
        case string, bytes, int, bool, intOrString, quantity, time
        case message(String)
        /// A map with string keys, as repeated key/value entries.
        case map(Kind)
        /// Read and left out (a status the server replaces anyway).
        case ignored
    }

    struct Field: Sendable {
        var name: String
        var kind: Kind
        var repeated = false
        /// A pointer field in Go: present even when zero.
        var keepZero = false
    }

    static func f(_ name: String, _ kind: Kind, repeated: Bool = false, keepZero: Bool = false) -> Field {
        Field(name: name, kind: kind, repeated: repeated, keepZero: keepZero)
    }

    /// apiVersion/kind → the message of the object.
    static let kinds: [String: String] = [
        "v1/Namespace": "Namespace", "v1/ConfigMap": "ConfigMap", "v1/Secret": "Secret",
        "v1/ServiceAccount": "ServiceAccount", "v1/Pod": "Pod", "v1/Service": "Service",
        "apps/v1/Deployment": "Deployment", "batch/v1/Job": "Job", "rbac.authorization.k8s.io/v1/Role": "Role",
        "rbac.authorization.k8s.io/v1/RoleBinding": "RoleBinding",
        "rbac.authorization.k8s.io/v1/ClusterRole": "Role",
        "rbac.authorization.k8s.io/v1/ClusterRoleBinding": "RoleBinding",
        "authentication.k8s.io/v1/TokenRequest": "TokenRequest",
        "authorization.k8s.io/v1/SelfSubjectAccessReview": "SelfSubjectAccessReview",
        "authorization.k8s.io/v1/SelfSubjectRulesReview": "SelfSubjectRulesReview",
        "authentication.k8s.io/v1/SelfSubjectReview": "SelfSubjectReview",
    ]

    static let messages: [String: [Int: Field]] = [
        "ObjectMeta": [
            1: f("name", .string), 2: f("generateName", .string), 3: f("namespace", .string),
            4: f("selfLink", .string), 5: f("uid", .string), 6: f("resourceVersion", .string),
            7: f("generation", .int), 8: f("creationTimestamp", .time), 9: f("deletionTimestamp", .time),
            10: f("deletionGracePeriodSeconds", .int, keepZero: true), 11: f("labels", .map(.string)),
            12: f("annotations", .map(.string)), 14: f("finalizers", .string, repeated: true),
        ],
        "Namespace": [
            1: f("metadata", .message("ObjectMeta")), 2: f("spec", .message("NamespaceSpec")), 3: f("status", .ignored),
        ],
        "NamespaceSpec": [1: f("finalizers", .string, repeated: true)],
        "ConfigMap": [
            1: f("metadata", .message("ObjectMeta")), 2: f("data", .map(.string)), 3: f("binaryData", .map(.bytes)),
            4: f("immutable", .bool, keepZero: true),
        ],
        "Secret": [
            1: f("metadata", .message("ObjectMeta")), 2: f("data", .map(.bytes)), 3: f("type", .string),
            4: f("stringData", .map(.string)), 5: f("immutable", .bool, keepZero: true),
        ],
        "ServiceAccount": [
            1: f("metadata", .message("ObjectMeta")),
            3: f("imagePullSecrets", .message("LocalObjectReference"), repeated: true),
            4: f("automountServiceAccountToken", .bool, keepZero: true),
        ],
        "LocalObjectReference": [1: f("name", .string)],
        "Pod": [1: f("metadata", .message("ObjectMeta")), 2: f("spec", .message("PodSpec")), 3: f("status", .ignored)],
        "PodTemplateSpec": [1: f("metadata", .message("ObjectMeta")), 2: f("spec", .message("PodSpec"))],
        "PodSpec": [
            2: f("containers", .message("Container"), repeated: true), 3: f("restartPolicy", .string),
            4: f("terminationGracePeriodSeconds", .int, keepZero: true), 6: f("dnsPolicy", .string),
            7: f("nodeSelector", .map(.string)), 8: f("serviceAccountName", .string),
            15: f("imagePullSecrets", .message("LocalObjectReference"), repeated: true),
            20: f("initContainers", .message("Container"), repeated: true),
        ],
        "Container": [
            1: f("name", .string), 2: f("image", .string), 3: f("command", .string, repeated: true),
            4: f("args", .string, repeated: true), 5: f("workingDir", .string),
            6: f("ports", .message("ContainerPort"), repeated: true), 7: f("env", .message("EnvVar"), repeated: true),
            8: f("resources", .message("ResourceRequirements")), 13: f("terminationMessagePath", .string),
            14: f("imagePullPolicy", .string), 16: f("stdin", .bool), 17: f("stdinOnce", .bool), 18: f("tty", .bool),
            20: f("terminationMessagePolicy", .string),
        ],
        "ContainerPort": [
            1: f("name", .string), 2: f("hostPort", .int), 3: f("containerPort", .int), 4: f("protocol", .string),
            5: f("hostIP", .string),
        ],
        "EnvVar": [1: f("name", .string), 2: f("value", .string)],
        "ResourceRequirements": [1: f("limits", .map(.quantity)), 2: f("requests", .map(.quantity))],
        "Deployment": [
            1: f("metadata", .message("ObjectMeta")), 2: f("spec", .message("DeploymentSpec")),
            3: f("status", .ignored),
        ],
        "DeploymentSpec": [
            1: f("replicas", .int, keepZero: true), 2: f("selector", .message("LabelSelector")),
            3: f("template", .message("PodTemplateSpec")), 4: f("strategy", .message("DeploymentStrategy")),
            5: f("minReadySeconds", .int), 6: f("revisionHistoryLimit", .int, keepZero: true), 7: f("paused", .bool),
            9: f("progressDeadlineSeconds", .int, keepZero: true),
        ],
        "DeploymentStrategy": [1: f("type", .string)],
        "LabelSelector": [
            1: f("matchLabels", .map(.string)),
            2: f("matchExpressions", .message("LabelSelectorRequirement"), repeated: true),
        ],
        "LabelSelectorRequirement": [
            1: f("key", .string), 2: f("operator", .string), 3: f("values", .string, repeated: true),
        ],
        "Job": [1: f("metadata", .message("ObjectMeta")), 2: f("spec", .message("JobSpec")), 3: f("status", .ignored)],
        "JobSpec": [
            1: f("parallelism", .int, keepZero: true), 2: f("completions", .int, keepZero: true),
            3: f("activeDeadlineSeconds", .int, keepZero: true), 4: f("selector", .message("LabelSelector")),
            5: f("manualSelector", .bool, keepZero: true), 6: f("template", .message("PodTemplateSpec")),
            7: f("backoffLimit", .int, keepZero: true), 8: f("ttlSecondsAfterFinished", .int, keepZero: true),
        ],
        "Service": [
            1: f("metadata", .message("ObjectMeta")), 2: f("spec", .message("ServiceSpec")), 3: f("status", .ignored),
        ],
        "ServiceSpec": [
            1: f("ports", .message("ServicePort"), repeated: true), 2: f("selector", .map(.string)),
            3: f("clusterIP", .string), 4: f("type", .string), 5: f("externalIPs", .string, repeated: true),
            7: f("sessionAffinity", .string), 10: f("externalName", .string),
        ],
        "ServicePort": [
            1: f("name", .string), 2: f("protocol", .string), 3: f("port", .int), 4: f("targetPort", .intOrString),
            5: f("nodePort", .int),
        ],
        "Role": [1: f("metadata", .message("ObjectMeta")), 2: f("rules", .message("PolicyRule"), repeated: true)],
        "PolicyRule": [
            1: f("verbs", .string, repeated: true), 2: f("apiGroups", .string, repeated: true),
            3: f("resources", .string, repeated: true), 4: f("resourceNames", .string, repeated: true),
            5: f("nonResourceURLs", .string, repeated: true),
        ],
        "RoleBinding": [
            1: f("metadata", .message("ObjectMeta")), 2: f("subjects", .message("Subject"), repeated: true),
            3: f("roleRef", .message("RoleRef")),
        ],
        "Subject": [
            1: f("kind", .string), 2: f("apiGroup", .string), 3: f("name", .string), 4: f("namespace", .string),
        ],
        "RoleRef": [1: f("apiGroup", .string), 2: f("kind", .string), 3: f("name", .string)],
        "TokenRequest": [
            1: f("metadata", .message("ObjectMeta")), 2: f("spec", .message("TokenRequestSpec")),
            3: f("status", .ignored),
        ],
        "TokenRequestSpec": [
            1: f("audiences", .string, repeated: true), 3: f("boundObjectRef", .message("BoundObjectReference")),
            4: f("expirationSeconds", .int, keepZero: true),
        ],
        "BoundObjectReference": [
            1: f("kind", .string), 2: f("apiVersion", .string), 3: f("name", .string), 4: f("uid", .string),
        ],
        "SelfSubjectAccessReview": [
            1: f("metadata", .message("ObjectMeta")), 2: f("spec", .message("SelfSubjectAccessReviewSpec")),
            3: f("status", .ignored),
        ],
        "SelfSubjectAccessReviewSpec": [
            1: f("resourceAttributes", .message("ResourceAttributes")),
            2: f("nonResourceAttributes", .message("NonResourceAttributes")),
        ],
        "ResourceAttributes": [
            1: f("namespace", .string), 2: f("verb", .string), 3: f("group", .string), 4: f("version", .string),
            5: f("resource", .string), 6: f("subresource", .string), 7: f("name", .string),
        ],
        "NonResourceAttributes": [1: f("path", .string), 2: f("verb", .string)],
        "SelfSubjectRulesReview": [
            1: f("metadata", .message("ObjectMeta")), 2: f("spec", .message("SelfSubjectRulesReviewSpec")),
            3: f("status", .ignored),
        ],
        "SelfSubjectRulesReviewSpec": [1: f("namespace", .string)],
        "SelfSubjectReview": [1: f("metadata", .message("ObjectMeta")), 2: f("status", .ignored)],
    ]
}

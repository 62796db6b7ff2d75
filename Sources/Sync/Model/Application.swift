import Kube

/// An `argoproj.io/v1alpha1` Application as the reconciler reads it.
public struct Application: Sendable {
    public static let group = "argoproj.io"
    public static let apiVersion = "argoproj.io/v1alpha1"
    public static let gvr = GroupVersionResource(group: "argoproj.io", version: "v1alpha1", resource: "applications")

    public var object: KubeObject
    public var name: String { object.name }
    public var namespace: String { object.namespace ?? "" }
    public var project: String
    public var sources: [ApplicationSource]
    public var destination: ApplicationDestination
    public var syncOptions: SyncOptions
    public var automated: AutomatedPolicy?
    public var retry: RetryPolicy?
    public var ignoreDifferences: [IgnoreDifference]
    public var revisionHistoryLimit: Int
    /// `syncPolicy.managedNamespaceMetadata`: labels and annotations for the destination namespace.
    public var managedNamespaceMetadata: ManagedNamespaceMetadata?

    public init(_ object: KubeObject) {
        self.object = object
        let spec = object.spec ?? .object([:])
        project = spec["project"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        if let many = spec["sources"]?.arrayValue, !many.isEmpty {
            sources = many.map(ApplicationSource.init(json:))
        } else {
            sources = spec["source"].map { [ApplicationSource(json: $0)] } ?? []
        }
        destination = ApplicationDestination(json: spec["destination"])
        let policy = spec["syncPolicy"]
        syncOptions = SyncOptions(policy?["syncOptions"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        automated = policy?["automated"].flatMap { $0 == .null ? nil : AutomatedPolicy(json: $0) }
        retry = policy?["retry"].flatMap { $0 == .null ? nil : RetryPolicy(json: $0) }
        ignoreDifferences = spec["ignoreDifferences"]?.arrayValue?.map(IgnoreDifference.init(json:)) ?? []
        revisionHistoryLimit = spec["revisionHistoryLimit"]?.intValue.map(Int.init) ?? 10
        managedNamespaceMetadata = policy?["managedNamespaceMetadata"].flatMap(ManagedNamespaceMetadata.init(json:))
    }

    /// The `operation` field a user (or `capstan app sync`) sets to ask for a sync.
    public var operation: JSON? {
        object.json["operation"].flatMap { $0 == .null ? nil : $0 }
    }

    /// Problems that make the spec unusable, as an InvalidSpecError message.
    public func validationErrors() -> [String] {
        var errors: [String] = []
        let renderable = sources.filter { $0.ref == nil || !$0.path.isEmpty || $0.chart != nil }
        if renderable.isEmpty { errors.append("spec.source is required") }
        for source in sources where source.repoURL.isEmpty { errors.append("spec.source.repoURL is required") }
        if destination.server == nil && destination.name == nil {
            errors.append("spec.destination.server or spec.destination.name is required")
        }
        if destination.server != nil && destination.name != nil {
            errors.append("spec.destination.server and spec.destination.name cannot both be set")
        }
        if let metadata = object.spec?[path: ["syncPolicy", "managedNamespaceMetadata"]], metadata != .null {
            errors += ManagedNamespaceMetadata.problems(metadata)
        }
        let backoff = object.spec?[path: ["syncPolicy", "retry", "backoff"]]
        for field in ["duration", "maxDuration"] {
            guard let text = backoff?[field]?.stringValue, DurationParser.parse(text) == nil else { continue }
            errors.append("spec.syncPolicy.retry.backoff.\(field) '\(text)' is not a duration (say 5s, 2m or 1h)")
        }
        for (index, rule) in ignoreDifferences.enumerated() {
            for pointer in rule.jsonPointers where (try? JSONPointer(pointer)) == nil {  // only validity is asked
                errors.append("spec.ignoreDifferences[\(index)].jsonPointers: '\(pointer)' is not a JSON pointer")
            }
        }
        return errors
    }
}

/// `syncPolicy.automated`.
public struct AutomatedPolicy: Sendable, Equatable {
    public var prune: Bool
    public var selfHeal: Bool
    public var allowEmpty: Bool
    /// `enabled: false` turns automation off while keeping its settings (Argo CD 2.14+).
    public var enabled: Bool

    public init(json: JSON) {
        prune = json["prune"]?.boolValue ?? false
        selfHeal = json["selfHeal"]?.boolValue ?? false
        allowEmpty = json["allowEmpty"]?.boolValue ?? false
        enabled = json["enabled"]?.boolValue ?? true
    }
}

/// `syncPolicy.managedNamespaceMetadata`: with `CreateNamespace=true`, these labels and annotations are
/// server-side applied to the destination namespace, whether Capstan created it or it already existed.
/// Capstan owns only the keys it sets, so others' labels stay and a key removed here is removed there.
public struct ManagedNamespaceMetadata: Sendable, Equatable {
    public var labels: [String: String]
    public var annotations: [String: String]

    public init?(json: JSON) {
        guard case .object = json else { return nil }
        func strings(_ value: JSON?) -> [String: String] {
            (value?.objectValue ?? [:]).compactMapValues { $0.stringValue }
        }
        labels = strings(json["labels"])
        annotations = strings(json["annotations"])
    }

    /// What makes a `managedNamespaceMetadata` value unusable (labels and annotations are maps of strings).
    static func problems(_ json: JSON) -> [String] {
        guard case .object = json else {
            return ["spec.syncPolicy.managedNamespaceMetadata must be an object with labels and annotations"]
        }
        var problems: [String] = []
        for field in ["labels", "annotations"] {
            guard let value = json[field], value != .null else { continue }
            guard let members = value.objectValue else {
                problems.append("spec.syncPolicy.managedNamespaceMetadata.\(field) must be a map of strings")
                continue
            }
            for (key, member) in members.sorted(by: { $0.key < $1.key }) where member.stringValue == nil {
                problems.append("spec.syncPolicy.managedNamespaceMetadata.\(field).\(key) must be a string (quote it)")
            }
        }
        return problems
    }
}

/// `syncPolicy.retry`: how often and how patiently a failed sync is retried.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts after the first; negative means unlimited, as in Argo CD.
    public var limit: Int
    public var duration: Duration
    public var factor: Int
    public var maxDuration: Duration

    public init(json: JSON) {
        limit = json["limit"]?.intValue.map(Int.init) ?? 0
        let backoff = json["backoff"]
        duration = DurationParser.parse(backoff?["duration"]?.stringValue ?? "") ?? .seconds(5)
        factor = backoff?["factor"]?.intValue.map(Int.init) ?? 2
        maxDuration = DurationParser.parse(backoff?["maxDuration"]?.stringValue ?? "") ?? .seconds(180)
    }

    /// The wait before retry number `attempt` (1-based).
    public func delay(attempt: Int) -> Duration {
        var delay = duration
        for _ in 1..<max(attempt, 1) { delay = delay * factor }
        return min(delay, maxDuration)
    }
}

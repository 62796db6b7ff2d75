import Git
import Kube

/// The outcome of comparing an Application's rendered desired state with the live cluster.
public struct Comparison: Sendable {
    /// A resource in `status.resources[]`.
    public struct Resource: Sendable {
        public var key: ResourceKey
        public var version: String
        public var inSync: Bool
        public var health: Health?
        public var requiresPruning: Bool
        public var wave: Int
    }

    public var revision: Revision
    public var sourceType: SourceType
    public var desired: [KubeObject]
    public var live: [ResourceKey: KubeObject]
    public var diffs: [ResourceKey: ResourceDiff]
    public var resources: [Resource]
    public var health: Health
    public var warnings: [(type: String, message: String)]
    public var images: [String]
    /// Fields the Application's `jqPathExpressions` select, per resource.
    public var jqSelected: [ResourceKey: ResourceDiff.SelectedPaths] = [:]

    public var outOfSync: Set<ResourceKey> {
        Set(resources.filter { !$0.inSync }.map(\.key))
    }

    public var isSynced: Bool { resources.allSatisfy(\.inSync) }
}

/// Why an Application could not be compared: becomes a ComparisonError or InvalidSpecError condition.
public struct ComparisonFailure: Error, Sendable, CustomStringConvertible {
    public var type: String
    public var message: String
    public var description: String { message }

    public static func comparison(_ message: String) -> ComparisonFailure {
        ComparisonFailure(type: "ComparisonError", message: message)
    }
    public static func invalidSpec(_ message: String) -> ComparisonFailure {
        ComparisonFailure(type: "InvalidSpecError", message: message)
    }
}

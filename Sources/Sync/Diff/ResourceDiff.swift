import Kube

/// How one desired object compares with its live counterpart.
public struct ResourceDiff: Sendable, Equatable {
    /// One differing field: its readable path and the two values (nil when absent).
    public struct Change: Sendable, Equatable {
        public var path: String
        public var live: JSON?
        public var desired: JSON?
    }

    /// Fields `jqPathExpressions` selected in each object, as pointer tokens (found by `JQPathFinder`).
    public struct SelectedPaths: Sendable, Equatable {
        public var desired: [[String]] = []
        public var live: [[String]] = []
        public static let none = SelectedPaths()
    }

    public var changes: [Change]
    public var isMissing: Bool
    public var differs: Bool { isMissing || !changes.isEmpty }

    /// Compares after normalization: only fields Git sets are compared (so server-populated and defaulted
    /// fields never count as drift), and fields this field manager applied earlier but Git no longer sets
    /// do count, since applying would remove them. `ignoreDifferences` rules drop fields from both sides.
    public static func compare(
        desired: KubeObject, live: KubeObject?, manager: String = SyncModule.fieldManager,
        ignore: [IgnoreDifference] = [], jqSelected: SelectedPaths = .none
    ) -> ResourceDiff {
        guard let live else { return ResourceDiff(changes: [], isMissing: true) }
        let key = ResourceKey(desired)
        var desiredJSON = JQPathFinder.remove(jqSelected.desired, from: Normalizer.normalize(desired.json))
        var liveJSON = JQPathFinder.remove(jqSelected.live, from: Normalizer.normalize(live.json))
        for rule in ignore where rule.matches(key) {
            for pointer in rule.jsonPointers {
                desiredJSON = Normalizer.remove(pointer: pointer, from: desiredJSON)
                liveJSON = Normalizer.remove(pointer: pointer, from: liveJSON)
            }
            for entry in live.managedFields
            where rule.managedFieldsManagers.contains(entry["manager"]?.stringValue ?? "") {
                for path in FieldSet(fieldsV1: entry["fieldsV1"] ?? .object([:])).paths {
                    desiredJSON = FieldSet.remove(path, from: desiredJSON)
                    liveJSON = FieldSet.remove(path, from: liveJSON)
                }
            }
        }
        let desiredPaths = FieldSet(of: desiredJSON).paths
        var found: [(path: [String], live: JSON?, desired: JSON?)] = []
        for path in desiredPaths {
            let want = FieldSet.value(at: path, in: desiredJSON)
            let have = FieldSet.value(at: path, in: liveJSON)
            if path.last == "." ? have == nil : !Normalizer.equivalent(want, have) { found.append((path, have, want)) }
        }
        for path in ownedPaths(of: live, manager: manager) where !stillDesired(path, desiredJSON) {
            guard path.first != "f:status", let have = FieldSet.value(at: path, in: liveJSON) else { continue }
            found.append((path, have, nil))
        }
        // A list element missing on one side is one change, not one per field inside it.
        let wholeElements = found.map(\.path).filter { $0.last == "." }.map { Array($0.dropLast()) }
        let changes = found.filter { entry in
            !wholeElements.contains { entry.path.starts(with: $0) && entry.path != $0 + ["."] }
        }.map { Change(path: readable($0.path), live: $0.live, desired: $0.desired) }
        return ResourceDiff(changes: changes.sorted { $0.path < $1.path }, isMissing: false)
    }

    /// Leaf fields the manager's Apply entry claims, without the `.` markers of plain objects.
    static func ownedPaths(of live: KubeObject, manager: String) -> [[String]] {
        live.managedFields.filter { $0["manager"]?.stringValue == manager && $0["operation"]?.stringValue == "Apply" }
            .flatMap { FieldSet(fieldsV1: $0["fieldsV1"] ?? .object([:])).paths }
            .filter { path in !(path.last == "." && !(path.dropLast().last?.hasPrefix("k:") ?? false)) }
    }

    /// True when Git still sets the field an owned path names. Looked up in the desired object rather than
    /// among its paths, so the server's way of recording ownership does not matter: an atomic field owned
    /// as one leaf (`f:selector`), a list element keyed with defaulted fields (`k:{"port":80,"protocol":"TCP"}`
    /// for a port that leaves `protocol` out) and a custom resource's granular fields all match.
    static func stillDesired(_ path: [String], _ desired: JSON) -> Bool {
        FieldSet.value(at: path.last == "." ? Array(path.dropLast()) : path, in: desired) != nil
    }

    /// `["f:spec","f:containers",#"k:{"name":"app"}"#,"f:image"]` → `spec.containers[name=app].image`.
    static func readable(_ path: [String]) -> String {
        var text = ""
        for step in path {
            if step.hasPrefix("f:") {
                text += (text.isEmpty ? "" : ".") + step.dropFirst(2)
            } else if step.hasPrefix("k:"), let key = try? JSON.parse(String(step.dropFirst(2))).objectValue {
                text +=
                    "["
                    + key.sorted { $0.key < $1.key }.map {
                        "\($0.key)=\($0.value.stringValue ?? $0.value.serialized())"
                    }.joined(separator: ",") + "]"
            }
        }
        return text
    }
}

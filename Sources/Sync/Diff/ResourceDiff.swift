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
        var changes: [Change] = []
        for path in desiredPaths {
            let want = FieldSet.value(at: path, in: desiredJSON)
            let have = FieldSet.value(at: path, in: liveJSON)
            if path.last == "." {  // a keyed list element: only its presence; its fields are compared on their own
                if have == nil { changes.append(Change(path: readable(path), live: nil, desired: want)) }
                continue
            }
            if !Normalizer.equivalent(want, have) {
                changes.append(Change(path: readable(path), live: have, desired: want))
            }
        }
        for path in ownedPaths(of: live, manager: manager)
        where !desiredPaths.contains(path) && !coveredByDesired(path, desiredPaths) {
            guard path.first != "f:status", let have = FieldSet.value(at: path, in: liveJSON) else { continue }
            changes.append(Change(path: readable(path), live: have, desired: nil))
        }
        return ResourceDiff(changes: changes.sorted { $0.path < $1.path }, isMissing: false)
    }

    /// Leaf fields the manager's Apply entry claims, without the `.` markers of plain objects.
    static func ownedPaths(of live: KubeObject, manager: String) -> [[String]] {
        live.managedFields.filter { $0["manager"]?.stringValue == manager && $0["operation"]?.stringValue == "Apply" }
            .flatMap { FieldSet(fieldsV1: $0["fieldsV1"] ?? .object([:])).paths }
            .filter { path in !(path.last == "." && !(path.dropLast().last?.hasPrefix("k:") ?? false)) }
    }

    /// True when a desired path lies inside the owned path (the element is still wanted).
    static func coveredByDesired(_ path: [String], _ desired: Set<[String]>) -> Bool {
        guard path.last == "." else { return false }
        let element = Array(path.dropLast())
        return desired.contains { $0.starts(with: element) }
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

import Kube
import Testing

@testable import EmbeddedCluster

/// `FieldOwnership.recordUpdate` takes a short cut when a write changes only fields its manager's own entry
/// already owns: it must give what the full computation gives (entries as they were, that entry's time now),
/// and must not be taken when ownership moves.
struct FieldOwnershipRetimeTests {
    static func run(_ status: JSON) -> JSON {
        [
            "apiVersion": "argoproj.io/v1alpha1", "kind": "AnalysisRun",
            "metadata": ["name": "r", "namespace": "default", "labels": ["app": "web"]],
            "spec": ["metrics": [["name": "up"]]], "status": status,
        ]
    }

    /// The object after `writes`, each a (manager, new object, subresource), recorded one after another.
    static func recorded(_ writes: [(String, JSON, String?)]) -> JSON {
        var current: JSON?
        for (manager, new, subresource) in writes {
            var next = new
            next[path: ["metadata", "managedFields"]] = current?["metadata"]?["managedFields"]
            current = FieldOwnership.recordUpdate(manager: manager, old: current, new: next, subresource: subresource)
        }
        return current ?? .null
    }

    static func withoutTimes(_ object: JSON) -> [JSON] {
        (object["metadata"]?["managedFields"]?.arrayValue ?? []).map {
            var entry = $0
            entry["time"] = nil
            return entry
        }
    }

    @Test func aRepeatedStatusWriteKeepsTheEntriesAndMovesOnlyItsTime() throws {
        let first = Self.recorded([
            ("creator", Self.run(.null), nil),
            ("controller", Self.run(["phase": "Running", "count": 1]), "status"),
        ])
        var aged = first
        var entries = first["metadata"]?["managedFields"]?.arrayValue ?? []
        for index in entries.indices { entries[index]["time"] = "2020-01-01T00:00:00Z" }
        aged[path: ["metadata", "managedFields"]] = .array(entries)
        var next = Self.run(["phase": "Running", "count": 2])
        next[path: ["metadata", "managedFields"]] = .array(entries)
        let shortCut = FieldOwnership.retimed(
            .array(entries), manager: "controller", subresource: "status", [["f:status", "f:count"]])
        #expect(shortCut != nil)
        let written = FieldOwnership.recordUpdate(manager: "controller", old: aged, new: next, subresource: "status")
        let times = (written["metadata"]?["managedFields"]?.arrayValue ?? []).map { $0["manager"]?.stringValue }
        #expect(times == entries.map { $0["manager"]?.stringValue })
        #expect(Self.withoutTimes(written) == Self.withoutTimes(aged))
        let written1 = written["metadata"]?["managedFields"]?.arrayValue ?? []
        #expect(written1.first { $0["manager"] == "creator" }?["time"] == "2020-01-01T00:00:00Z")
        #expect(written1.first { $0["manager"] == "controller" }?["time"] != "2020-01-01T00:00:00Z")
    }

    @Test func ownershipThatMovesTakesTheFullComputation() throws {
        let created = Self.recorded([("creator", Self.run(["phase": "Running"]), nil)])
        let entries = created["metadata"]?["managedFields"] ?? .null
        // The creator owns nothing under status (a main-resource write), so a status writer's first change
        // has no entry of its own to retime.
        #expect(
            FieldOwnership.retimed(entries, manager: "controller", subresource: "status", [["f:status", "f:phase"]])
                == nil)
        // Another manager's label: the writer's own entry does not own it.
        let labelled = Self.recorded([
            ("creator", Self.run(.null), nil),
            ("other", Self.edited(Self.run(.null)) { $0[path: ["metadata", "labels", "app"]] = "api" }, nil),
        ])
        let owners = (labelled["metadata"]?["managedFields"]?.arrayValue ?? []).compactMap {
            $0["manager"]?.stringValue
        }
        #expect(owners.sorted() == ["creator", "other"])
        let back = Self.recorded([
            ("creator", Self.run(.null), nil),
            ("other", Self.edited(Self.run(.null)) { $0[path: ["metadata", "labels", "app"]] = "api" }, nil),
            ("creator", Self.run(.null), nil),
        ])
        let label = ["f:metadata", "f:labels", "f:app"]
        let holders = (back["metadata"]?["managedFields"]?.arrayValue ?? []).filter {
            FieldOwnership.isLeaf(label, in: $0["fieldsV1"] ?? .null)
        }
        #expect(holders.map { $0["manager"]?.stringValue } == ["creator"])
    }

    static func edited(_ object: JSON, _ edit: (inout JSON) -> Void) -> JSON {
        var copy = object
        edit(&copy)
        return copy
    }
}

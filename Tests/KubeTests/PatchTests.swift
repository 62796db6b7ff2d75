import Kube
import Testing

@Suite struct PatchTests {
    @Test func mergePatchFollowsRFC7386() {
        let target: JSON = ["a": "b", "c": ["d": "e", "f": "g"]]
        let patch: JSON = ["a": "z", "c": ["f": .null]]
        #expect(MergePatch.apply(patch, to: target) == ["a": "z", "c": ["d": "e"]])
        #expect(MergePatch.apply(["list": [1]], to: ["list": [1, 2]]) == ["list": [1]])
    }

    @Test func mergePatchDiffRoundTrips() throws {
        let a: JSON = ["x": 1, "y": ["z": 2, "w": 3]]
        let b: JSON = ["x": 1, "y": ["z": 5], "n": "new"]
        let patch = try #require(MergePatch.diff(from: a, to: b))
        #expect(MergePatch.apply(patch, to: a) == b)
    }

    @Test func jsonPatchOperations() throws {
        let doc: JSON = ["a": [1, 2], "b": ["c": "d"]]
        let patch: JSON = [
            ["op": "add", "path": "/a/-", "value": 3], ["op": "replace", "path": "/b/c", "value": "e"],
            ["op": "copy", "from": "/b", "path": "/x"], ["op": "move", "from": "/x/c", "path": "/y"],
            ["op": "remove", "path": "/a/0"], ["op": "test", "path": "/y", "value": "e"],
        ]
        #expect(try JSONPatch.apply(patch, to: doc) == ["a": [2, 3], "b": ["c": "e"], "x": [:], "y": "e"])
    }

    @Test func jsonPatchFailsOnBadPathOrTest() {
        #expect(throws: PatchError.self) { try JSONPatch.apply([["op": "remove", "path": "/nope"]], to: [:]) }
        #expect(throws: PatchError.self) {
            try JSONPatch.apply([["op": "test", "path": "/a", "value": 2]], to: ["a": 1])
        }
        #expect(throws: PatchError.self) { try JSONPatch.apply(["op": "add"], to: [:]) }
    }

    @Test func strategicMergeMergesContainersByNameAndDeletesByDirective() throws {
        let target: JSON = [
            "spec": [
                "containers": [["name": "a", "image": "a:1"], ["name": "b", "image": "b:1"]],
                "finalizers": ["x"],
            ]
        ]
        let patch: JSON = [
            "spec": [
                "containers": [
                    ["name": "a", "image": "a:2"], ["name": "b", "$patch": "delete"],
                    ["name": "c", "image": "c:1"],
                ], "finalizers": ["y"],
            ]
        ]
        let result = try StrategicMergePatch.apply(patch, to: target)
        #expect(
            result[path: ["spec", "containers"]] == [["name": "a", "image": "a:2"], ["name": "c", "image": "c:1"]])
        #expect(result[path: ["spec", "finalizers"]] == ["x", "y"])
    }

    /// kubectl's patch for a Deployment switched to Recreate: `$retainKeys` clears rollingUpdate.
    @Test func strategicMergeRetainKeysClearsUnlistedFields() throws {
        let target: JSON = ["strategy": ["type": "RollingUpdate", "rollingUpdate": ["maxSurge": "25%"]]]
        let patch: JSON = ["strategy": ["$retainKeys": ["type"], "type": "Recreate"]]
        #expect(try StrategicMergePatch.apply(patch, to: target) == ["strategy": ["type": "Recreate"]])
    }

    @Test func strategicMergeReplacesUnkeyedListsAndHonoursReplaceDirective() throws {
        let target: JSON = ["args": ["a", "b"], "m": ["x": 1, "y": 2]]
        let result = try StrategicMergePatch.apply(["args": ["c"], "m": ["$patch": "replace", "z": 3]], to: target)
        #expect(result == ["args": ["c"], "m": ["z": 3]])
    }
}

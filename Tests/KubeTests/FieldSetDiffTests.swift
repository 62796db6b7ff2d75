import Kube
import Testing

/// `FieldSet.diff` must give exactly what computing both field sets in full and comparing every path gives
/// (the definition managedFields follow), for the kinds of change writes make.
struct FieldSetDiffTests {
    static let base: JSON = [
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": [
            "name": "web", "namespace": "default", "labels": ["app": "web", "tier": "front"],
            "annotations": ["note": "a"], "resourceVersion": "7",
        ],
        "spec": [
            "replicas": 3, "selector": ["matchLabels": ["app": "web"]],
            "template": [
                "metadata": ["labels": ["app": "web"]],
                "spec": [
                    "containers": [
                        [
                            "name": "app", "image": "nginx:1.25",
                            "ports": [["containerPort": 80, "protocol": "TCP"]],
                            "env": [["name": "A", "value": "1"], ["name": "B", "value": "2"]],
                            "args": ["--a", "--b"],
                        ],
                        ["name": "side", "image": "busybox"],
                    ]
                ],
            ],
        ],
        "status": ["replicas": 3, "conditions": [["type": "Available", "status": "True"]]],
    ]

    static func edited(_ edit: (inout JSON) -> Void) -> JSON {
        var copy = base
        edit(&copy)
        return copy
    }

    /// The base with its first container edited.
    static func firstContainer(_ edit: @escaping (inout JSON) -> Void) -> JSON {
        edited { object in
            var containers = object[path: ["spec", "template", "spec", "containers"]]?.arrayValue ?? []
            edit(&containers[0])
            object[path: ["spec", "template", "spec", "containers"]] = .array(containers)
        }
    }

    static let cases: [(String, JSON?, JSON)] = [
        ("create", nil, base),
        ("no change", base, base),
        ("label added", base, edited { $0[path: ["metadata", "labels", "new"]] = "x" }),
        ("label removed", base, edited { $0[path: ["metadata", "labels", "tier"]] = nil }),
        ("server metadata only", base, edited { $0[path: ["metadata", "resourceVersion"]] = "8" }),
        ("image changed", base, firstContainer { $0["image"] = "b" }),
        (
            "container removed", base,
            edited { $0[path: ["spec", "template", "spec", "containers"]] = [["name": "app"]] }
        ),
        (
            "env reordered and changed", base,
            firstContainer { $0["env"] = [["name": "B", "value": "3"], ["name": "A"]] }
        ),
        ("port protocol changed", base, firstContainer { $0["ports"] = [["containerPort": 80, "protocol": "UDP"]] }),
        ("atomic list changed", base, firstContainer { $0["args"] = ["--c"] }),
        ("object became scalar", base, edited { $0[path: ["spec", "selector"]] = "none" }),
        ("scalar became object", base, edited { $0[path: ["spec", "replicas"]] = ["n": 3] }),
        ("object emptied", base, edited { $0[path: ["spec", "selector", "matchLabels"]] = [:] }),
        ("status changed", base, edited { $0[path: ["status", "replicas"]] = 4 }),
        ("status removed", base, edited { $0["status"] = nil }),
        ("spec removed", base, edited { $0["spec"] = nil }),
    ]

    @Test(arguments: [false, true])
    func diffEqualsTheFullComparison(includeStatus: Bool) {
        for (name, old, new) in Self.cases {
            let result = FieldSet.diff(old: old, new: new, includeStatus: includeStatus)
            let before = old ?? .object([:])
            let changed = FieldSet(of: new, includeStatus: includeStatus).paths.filter {
                FieldSet.value(at: $0, in: before) != FieldSet.value(at: $0, in: new)
            }
            let removed = FieldSet(of: before, includeStatus: true).paths.subtracting(
                FieldSet(of: new, includeStatus: true).paths)
            #expect(result.changed == changed, "\(name): changed")
            #expect(result.removed == removed, "\(name): removed")
        }
    }

    @Test func aWriteThatChangesNothingFindsNothing() {
        let result = FieldSet.diff(old: Self.base, new: Self.base, includeStatus: true)
        #expect(result.changed.isEmpty && result.removed.isEmpty)
        let image = FieldSet.diff(
            old: Self.base,
            new: Self.firstContainer { $0["image"] = "b" },
            includeStatus: false)
        #expect(image.changed.count == 2, "the container element and its image: \(image.changed)")
    }
}

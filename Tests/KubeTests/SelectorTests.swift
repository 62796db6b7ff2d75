import Kube
import Testing

@Suite struct SelectorTests {
    let labels = ["app": "web", "tier": "front", "env": "prod"]

    @Test(arguments: [
        ("app=web", true), ("app==web", true), ("app!=web", false), ("env in (prod,staging)", true),
        ("env notin (prod)", false), ("tier", true), ("!tier", false), ("!missing", true),
        ("app=web,tier=back", false), ("", true),
    ])
    func stringSyntax(selector: String, expected: Bool) throws {
        #expect(try LabelSelector(parsing: selector).matches(labels) == expected)
    }

    @Test func matchLabelsAndExpressions() throws {
        let json: JSON = [
            "matchLabels": ["app": "web"],
            "matchExpressions": [
                ["key": "env", "operator": "In", "values": ["prod"]],
                ["key": "legacy", "operator": "DoesNotExist"],
            ],
        ]
        let selector = try #require(try LabelSelector(json: json))
        #expect(selector.matches(labels))
        #expect(!selector.matches(["app": "web", "env": "dev"]))
    }

    @Test func invalidSelectorsAreErrors() {
        #expect(throws: SelectorError.self) { try LabelSelector(parsing: "env in (a") }
        #expect(throws: SelectorError.self) {
            try LabelSelector(json: ["matchExpressions": [["key": "a", "operator": "Near"]]])
        }
    }

    @Test func fieldSelectorOnNameAndNamespace() throws {
        let object = KubeObject(apiVersion: "v1", kind: "Pod", name: "p1", namespace: "ns")
        #expect(try FieldSelector(parsing: "metadata.name=p1,metadata.namespace=ns").matches(object))
        #expect(try !FieldSelector(parsing: "metadata.name!=p1").matches(object))
    }
}

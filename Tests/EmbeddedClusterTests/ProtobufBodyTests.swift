import Foundation
import Kube
import KubeTestSupport
import Testing

/// kubectl's generators send protobuf. Each command runs twice: once against the server (a protobuf POST),
/// once as `--dry-run=client -o json` (the same object as kubectl builds it, in JSON). Everything the JSON
/// says must be in what the server stored: the protobuf reader may add nothing and lose nothing.
@Suite struct ProtobufBodyTests {
    static let generators: [[String]] = [
        ["create", "namespace", "NS-proto"],
        ["create", "configmap", "settings", "--from-literal=mode=blue", "--from-literal=level=3"],
        ["create", "secret", "generic", "token", "--from-literal=password=hunter2", "--type=example.com/token"],
        ["create", "serviceaccount", "robot"],
        ["create", "deployment", "web", "--image=nginx:1.25", "--replicas=3", "--port=80"],
        ["create", "job", "once", "--image=busybox", "--", "echo", "hi"],
        ["create", "service", "clusterip", "web", "--tcp=80:8080", "--tcp=443:https"],
        ["create", "role", "reader", "--verb=get,list", "--resource=pods,configmaps", "--resource-name=x"],
        ["create", "rolebinding", "readers", "--role=reader", "--serviceaccount=NS:robot", "--user=alice"],
        ["run", "solo", "--image=nginx:1.25", "--labels=app=solo,tier=web", "--env=MODE=prod", "--port=8080"],
    ]

    /// True when every value `expected` sets is in `actual` (null and empty objects stand for "not set").
    static func contained(_ expected: JSON, in actual: JSON?, at path: String, problems: inout [String]) {
        switch expected {
        case .null: return
        case .object(let members):
            for (key, value) in members where key != "status" && key != "creationTimestamp" {
                contained(value, in: actual?[key], at: path + "." + key, problems: &problems)
            }
        case .array(let elements):
            guard let other = actual?.arrayValue, other.count == elements.count else {
                problems.append("\(path): \(expected.serialized()) vs \(actual?.serialized() ?? "absent")")
                return
            }
            for (index, element) in elements.enumerated() {
                contained(element, in: other[index], at: "\(path)[\(index)]", problems: &problems)
            }
        default:
            if actual != expected {
                problems.append("\(path): \(expected.serialized()) vs \(actual?.serialized() ?? "absent")")
            }
        }
    }

    @Test(arguments: generators)
    func generatedObjectsArriveWhole(command: [String]) async throws {
        try await TestCluster.with(simulate: false) { cluster in
            let kc = try cluster.kubeconfigPath()
            let ns = cluster.namespace
            let arguments = command.map {
                $0.replacingOccurrences(of: "NS-proto", with: "\(ns)-proto").replacingOccurrences(
                    of: "NS:", with: "\(ns):")
            }
            let dashDash = arguments.firstIndex(of: "--") ?? arguments.endIndex
            func kubectl(_ extra: [String]) async throws -> KubectlTests.Result {
                try await KubectlTests.kubectl(
                    Array(arguments[..<dashDash]) + extra + ["-n", ns] + Array(arguments[dashDash...]), kubeconfig: kc)
            }
            let local = try await kubectl(["--dry-run=client", "-o", "json"])
            #expect(local.status == 0, "\(local.output)")
            let created = try await kubectl(["-o", "json", "-v=6"])
            #expect(created.status == 0, "\(created.output)")
            let expected = try JSON.parse(Array(local.output.utf8))
            let jsonStart = created.output.firstIndex(of: "{") ?? created.output.startIndex
            let stored = try JSON.parse(Array(created.output[jsonStart...].utf8))
            var problems: [String] = []
            Self.contained(expected, in: stored, at: expected["kind"]?.stringValue ?? "", problems: &problems)
            #expect(problems.isEmpty, "\(problems)")
        }
    }

    @Test func kindsBeyondTheGeneratorsAreRefusedByName() async throws {
        try await TestCluster.with(simulate: false) { cluster in
            let result = try await KubectlTests.kubectl(
                ["create", "priorityclass", "pc-\(cluster.namespace)", "--value=100"],
                kubeconfig: try cluster.kubeconfigPath())
            #expect(result.status != 0)
            #expect(
                result.output.contains("PriorityClass is not among the kinds read from protobuf"), "\(result.output)")
            #expect(result.output.contains("--dry-run=client -o yaml | kubectl apply -f -"))
        }
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import Kube
import NIOCore

/// A pod's `log`, `exec`, `attach` and `portforward`. The embedded cluster simulates pods: no container
/// runs, so there is nothing to attach to. `log` answers as kube-apiserver does for what can be checked (the
/// pod exists; a pod with several containers needs `container`, recording 50) and returns the simulated
/// lifecycle as the log; the others are a 400 Status that says why, never a bare 404.
enum PodSubresources {
    static let streaming: Set<String> = ["exec", "attach", "portforward"]

    static func log(pod: KubeObject, container: String?) throws(KubeError) -> Response {
        let containers = (pod.spec?["containers"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        let name: String
        if let container {
            guard containers.contains(container) else {
                throw KubeError(
                    code: 400, reason: .badRequest,
                    message: "container \(container) is not valid for pod \(pod.name)")
            }
            name = container
        } else if containers.count == 1 {
            name = containers[0]
        } else {
            throw KubeError(
                code: 400, reason: .badRequest,
                message:
                    "a container name must be specified for pod \(pod.name), choose one of: [\(containers.joined(separator: " "))]"
            )
        }
        let status = pod.status?["containerStatuses"]?.arrayValue?.first { $0["name"]?.stringValue == name }
        var lines = [
            "capstan: the embedded cluster simulates this container; no process runs and nothing writes a log.",
            "capstan: pod \(pod.namespace ?? "")/\(pod.name) container \(name), image "
                + (pod.spec?["containers"]?.arrayValue?.first { $0["name"]?.stringValue == name }?["image"]?.stringValue
                    ?? "?"),
            "capstan: phase \(pod.status?["phase"]?.stringValue ?? "Pending")",
        ]
        if let started = status?[path: ["state", "running", "startedAt"]]?.stringValue {
            lines.append("capstan: running since \(started)")
        }
        if let waiting = status?[path: ["state", "waiting", "reason"]]?.stringValue {
            lines.append("capstan: waiting: \(waiting) (restarts: \(status?["restartCount"]?.intValue ?? 0))")
        }
        return Response(
            status: .ok, headers: [.contentType: "text/plain"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: lines.joined(separator: "\n") + "\n")))
    }

    static func unsupported(_ subresource: String, pod: String) -> KubeError {
        KubeError(
            code: 400, reason: .badRequest,
            message:
                "pods/\(subresource) is not available for pod \(pod): the embedded cluster simulates pods and runs "
                + "no containers (use a real cluster to \(subresource == "portforward" ? "forward ports" : subresource))"
        )
    }
}

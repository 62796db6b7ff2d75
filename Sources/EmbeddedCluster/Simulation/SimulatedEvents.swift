import Foundation
import Kube
import Logging

extension WorkloadSimulator {
    /// Records a core/v1 Event about `object`, as the component named (scheduler, kubelet, controllers) would,
    /// so `kubectl describe` and `kubectl events` tell what the simulation did.
    func recordEvent(
        about object: KubeObject, reason: String, message: String, type: String = "Normal",
        component: String
    ) async {
        let now = KubeTime.now()
        let event = KubeObject(
            apiVersion: "v1", kind: "Event", name: Self.eventName(about: object.name),
            namespace: object.namespace ?? "default",
            body: [
                "involvedObject": [
                    "kind": .string(object.kind), "apiVersion": .string(object.apiVersion),
                    "name": .string(object.name), "namespace": .string(object.namespace ?? ""),
                    "uid": .string(object.uid ?? ""), "resourceVersion": .string(object.resourceVersion ?? ""),
                ],
                "reason": .string(reason), "message": .string(message), "type": .string(type),
                "source": ["component": .string(component)], "reportingComponent": .string(component),
                "reportingInstance": "", "eventTime": .null,
                "firstTimestamp": .string(now), "lastTimestamp": .string(now), "count": 1,
            ])
        guard similarEvents.admit(event) else { return }
        do {
            _ = try await store.create(.events, namespace: event.namespace, object: event, options: writer)
        } catch {
            logger.warning("cannot record an event", metadata: ["reason": "\(reason)", "error": "\(error)"])
        }
    }

    /// A name as client-go's recorder gives events: the object's name and the time in hex nanoseconds.
    static func eventName(about objectName: String) -> String {
        let nanoseconds = UInt64(max(0, Date().timeIntervalSince1970 * 1_000_000_000))
        return objectName + "." + String(nanoseconds, radix: 16)
    }
}

import Testing

@testable import Kube

/// The write tally the benchmarks print: writes counted by verb and resource, reads left out.
@Suite struct RequestTallyTests {
    @Test func writesAreCountedByVerbAndResource() {
        let tally = RequestTally()
        tally.record(method: "PATCH", path: "/apis/argoproj.io/v1alpha1/namespaces/default/rollouts/web/status")
        tally.record(method: "PATCH", path: "/apis/argoproj.io/v1alpha1/namespaces/default/rollouts/api/status")
        tally.record(method: "POST", path: "/api/v1/namespaces/default/events")
        tally.record(method: "PUT", path: "/api/v1/nodes/node-1/status")
        tally.record(method: "POST", path: "/apis/apiextensions.k8s.io/v1/customresourcedefinitions")
        tally.record(method: "DELETE", path: "/api/v1/namespaces/team-a")
        tally.record(method: "GET", path: "/apis/apps/v1/namespaces/default/replicasets")
        #expect(
            tally.take() == [
                "PATCH rollouts/status": 2, "POST events": 1, "PUT nodes/status": 1,
                "POST customresourcedefinitions": 1, "DELETE namespaces": 1,
            ])
        #expect(tally.take().isEmpty)
    }
}

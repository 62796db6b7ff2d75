import Testing

@testable import Rollouts

/// Replica counts of a canary, checked against the cases Argo Rollouts' own unit tests pin down
/// (`utils/replicaset/canary_test.go`): the split closest to the weight, and the pacing by maxSurge and
/// maxUnavailable from any starting point.
@Suite struct CanaryScalingTests {
    @Test(arguments: [
        // replicas, weight, maxSurge → canary, stable
        [10, 10, 3, 1, 9], [10, 41, 3, 4, 6], [10, 40, 3, 4, 6], [10, 0, 3, 0, 10], [10, 100, 3, 10, 0],
        [1, 5, 1, 1, 1], [1, 95, 1, 1, 1], [1, 50, 0, 1, 0], [3, 50, 1, 2, 2], [4, 25, 1, 1, 3], [0, 50, 1, 0, 0],
    ])
    func theSplitClosestToTheWeight(row: [Int]) {
        let split = CanaryScaling.approximate(replicas: row[0], weight: row[1], maxSurge: row[2])
        #expect([split.canary, split.stable] == [row[3], row[4]], "\(row)")
    }

    /// replicas, weight, maxSurge, maxUnavailable, stable spec/available, canary spec/available, older
    /// ReplicaSet's pods → stable, canary.
    @Test(arguments: [
        [10, 100, 3, 0, 7, 8, 6, 3, 0, 7, 6],
        [10, 20, 2, 0, 10, 10, 0, 0, 0, 10, 2],
        [10, 20, 2, 0, 10, 10, 2, 2, 0, 8, 2],
        [10, 30, 2, 0, 10, 10, 0, 0, 0, 10, 2],
        [10, 20, 0, 2, 10, 10, 0, 0, 0, 8, 0],
        [10, 30, 0, 2, 10, 10, 0, 0, 0, 8, 0],
        [10, 50, 2, 1, 10, 10, 0, 0, 0, 9, 2],
        [10, 0, 1, 1, 10, 10, 1, 1, 0, 10, 0],
        [10, 100, 1, 1, 1, 1, 10, 10, 0, 0, 10],
        [1, 20, 1, 0, 1, 1, 0, 0, 0, 1, 1],
        [1, 90, 1, 0, 1, 1, 0, 0, 0, 1, 1],
        [10, 30, 1, 0, 1, 1, 0, 0, 3, 7, 1],
        [10, 30, 0, 3, 8, 5, 4, 4, 0, 7, 3],
        [10, 100, 1, 0, 10, 2, 10, 8, 0, 2, 9],
        [10, 30, 0, 1, 8, 6, 4, 2, 3, 8, 4],
        [10, 5, 0, 1, 10, 10, 0, 0, 0, 9, 0],
        [10, 5, 0, 1, 9, 9, 0, 0, 0, 9, 1],
        [4, 100, 1, 0, 4, 1, 0, 0, 0, 4, 1],
        [3, 99, 0, 2, 3, 3, 0, 0, 0, 1, 0],
        [3, 99, 0, 2, 1, 1, 0, 0, 0, 1, 2],
        [4, 100, 1, 0, 4, 1, 1, 1, 0, 3, 1],
        [4, 0, 1, 0, 0, 0, 4, 4, 0, 1, 4],
    ])
    func pacedByMaxSurgeAndMaxUnavailable(row: [Int]) {
        let desired = CanaryScaling.approximate(replicas: row[0], weight: row[1], maxSurge: row[2])
        let older = row[8] > 0 ? [ReplicaSetState(name: "older", hash: "o", replicas: row[8], available: row[8])] : []
        let counts = CanaryScaling.paced(
            replicas: row[0], desired: desired, maxSurge: row[2], maxUnavailable: row[3],
            newRS: ReplicaSetState(name: "canary", hash: "c", replicas: row[6], available: row[7]),
            stableRS: ReplicaSetState(name: "stable", hash: "s", replicas: row[4], available: row[5]), others: older)
        #expect([counts.stable, counts.canary] == [row[9], row[10]], "\(row)")
    }

    @Test func withARouterTheStableSideStaysFullUnlessItScalesDynamically() {
        func routed(
            _ replicas: Int, _ weight: Int, fixed: Int? = nil, dynamic: Bool = false, minimum: Int? = nil,
            actual: Int? = nil, aborted: Bool = false
        ) -> [Int] {
            let counts = CanaryScaling.routed(
                replicas: replicas, weight: weight, fixedCanary: fixed, dynamicStableScale: dynamic,
                minPodsPerReplicaSet: minimum, actualCanaryWeight: actual, aborted: aborted)
            return [counts.canary, counts.stable]
        }
        #expect(routed(10, 41) == [5, 10])
        #expect(routed(1, 100, fixed: 9) == [9, 1])
        #expect(routed(4, 200) == [8, 4])  // setCanaryScale.weight may exceed 100
        #expect(routed(10, 10, minimum: 2) == [2, 10])
        #expect(routed(10, 0, minimum: 2) == [0, 10])
        // Going up, the stable side shrinks only once traffic has left it.
        #expect(routed(10, 60, dynamic: true, actual: 20) == [6, 8])
        #expect(routed(10, 60, dynamic: true, actual: 60) == [6, 4])
        // Aborting, the canary keeps the pods for the traffic it still has.
        #expect(routed(10, 0, dynamic: true, actual: 60, aborted: true) == [6, 10])
        #expect(routed(10, 0, dynamic: true, actual: 0, aborted: true) == [0, 10])
    }
}

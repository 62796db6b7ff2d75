/// The replica counts a canary step asks of the new and the stable ReplicaSet, as Argo Rollouts computes them.
///
/// Without a traffic router the weight is carried by replica counts: the split closest to the weight is chosen
/// among the counts that add up to `replicas` (or one more, when surge is allowed), with at least one pod on
/// each side while the weight is strictly between 0 and 100 (10 replicas at 41%: 4 canary and 6 stable). The
/// ReplicaSets then move toward that split no faster than `maxSurge` and `maxUnavailable` allow.
///
/// With a router, the canary gets `ceil(weight × replicas / 100)` pods (or what a `setCanaryScale` step says)
/// and the stable side stays fully scaled, unless `dynamicStableScale` shrinks it as traffic leaves it.
/// `minPodsPerReplicaSet` raises any side that is not zero.
public enum CanaryScaling {
    /// The desired split for `weight`, before any pacing.
    public static func approximate(replicas: Int, weight: Int, maxSurge: Int) -> (canary: Int, stable: Int) {
        guard replicas > 0 else { return (0, 0) }
        let ceiling = (replicas * weight + 99) / 100
        let floor = replicas * weight / 100
        // Zero canary pods is allowed only at 0%/100%, or with a single replica that may not surge.
        let zeroAllowed = weight == 0 || weight == 100 || (replicas == 1 && maxSurge == 0)
        var options: [(canary: Int, total: Int)] = []
        if ceiling < replicas || zeroAllowed { options.append((ceiling, replicas)) }
        if !halfway(weight: weight, total: replicas) && (floor != 0 || zeroAllowed) {
            options.append((floor, replicas))
        }
        if maxSurge > 0 {
            options.append((ceiling, replicas + 1))
            if !halfway(weight: weight, total: replicas + 1) && (floor != 0 || zeroAllowed) {
                options.append((floor, replicas + 1))
            }
        }
        guard var best = options.first else { return (0, replicas) }
        for option in options.dropFirst()
        where distance(weight, option.canary, option.total) < distance(weight, best.canary, best.total) {
            best = option
        }
        return (best.canary, best.total - best.canary)
    }

    /// The counts to write now for a canary without a router: toward `desired`, first growing (stable before
    /// canary) within `replicas + maxSurge`, then shrinking the side that is leaving without dropping the
    /// available pods below `replicas - maxUnavailable`. ReplicaSets other than the new and stable ones are
    /// scaled down first. A new ReplicaSet that does not exist yet counts as one with no pods.
    public static func paced(
        replicas: Int, desired: (canary: Int, stable: Int), maxSurge: Int, maxUnavailable: Int,
        newRS: ReplicaSetState?, stableRS: ReplicaSetState?, others: [ReplicaSetState]
    ) -> (canary: Int, stable: Int) {
        let newRS = newRS ?? ReplicaSetState(name: "", hash: "", replicas: 0, available: 0)
        var canary = newRS.replicas
        var stable = stableRS?.replicas ?? 0
        let ceiling = replicas + maxSurge
        var room = ceiling - canary - stable - others.reduce(0) { $0 + $1.replicas }
        if let stableRS, stableRS.replicas < desired.stable, room > 0 {
            let grow = min(room, desired.stable - stableRS.replicas)
            stable += grow
            room -= grow
        }
        if canary < desired.canary, room > 0 { canary += min(room, desired.canary - canary) }
        guard others.allSatisfy({ $0.replicas == 0 }) else { return (canary, stable) }

        let minAvailable = replicas - maxUnavailable
        // Growing the canary, the stable side may shrink whatever its availability; shrinking it, the canary may.
        let growing = desired.canary >= newRS.replicas
        let countable =
            countedForScaleDown(newRS, ignoreAvailability: !growing)
            + (stableRS.map { countedForScaleDown($0, ignoreAvailability: growing) } ?? 0)
        guard countable > minAvailable else { return (canary, stable) }
        let budget = countable - minAvailable
        if !growing {
            if newRS.replicas > desired.canary { canary = max(desired.canary, newRS.replicas - budget) }
            let adjusted = keepWithinLimits(
                draining: (newRS, canary), adjusting: (stableRS, stable), ceiling: ceiling, minAvailable: minAvailable)
            return (adjusted.draining, adjusted.adjusting)
        }
        guard let stableRS else { return (canary, stable) }
        if stableRS.replicas > desired.stable { stable = max(desired.stable, stableRS.replicas - budget) }
        let adjusted = keepWithinLimits(
            draining: (stableRS, stable), adjusting: (newRS, canary), ceiling: ceiling, minAvailable: minAvailable)
        return (adjusted.adjusting, adjusted.draining)
    }

    /// The counts with a traffic router. `fixedCanary` is a `setCanaryScale.replicas`; `actualCanaryWeight`
    /// the weight the router gives the canary now, which `dynamicStableScale` keeps the stable side sized for.
    public static func routed(
        replicas: Int, weight: Int, fixedCanary: Int?, dynamicStableScale: Bool, minPodsPerReplicaSet: Int?,
        actualCanaryWeight: Int?, aborted: Bool
    ) -> (canary: Int, stable: Int) {
        func atLeastMinimum(_ count: Int) -> Int { count == 0 ? 0 : max(count, minPodsPerReplicaSet ?? 0) }
        var canary = fixedCanary ?? atLeastMinimum(pods(replicas, weight))
        guard dynamicStableScale else { return (canary, replicas) }
        var stable = pods(replicas, 100 - weight)
        if let actual = actualCanaryWeight {
            // The stable side shrinks only once traffic has left it; after an abort the canary stays until
            // traffic is back on the stable side.
            stable = max(stable, pods(replicas, 100 - actual))
            if aborted { canary = max(canary, pods(replicas, actual)) }
        }
        return (atLeastMinimum(canary), atLeastMinimum(stable))
    }

    /// Pods for a share of the traffic, rounded up.
    public static func pods(_ replicas: Int, _ weight: Int) -> Int { (replicas * max(weight, 0) + 99) / 100 }

    static func halfway(weight: Int, total: Int) -> Bool { (total * weight) % 100 == 50 }

    static func distance(_ weight: Int, _ canary: Int, _ total: Int) -> Double {
        abs(Double(canary * 100) / Double(total) - Double(weight))
    }

    /// The pods of `rs` that count toward availability when deciding how far to scale down. A ReplicaSet
    /// already shrinking counts only what it keeps.
    static func countedForScaleDown(_ rs: ReplicaSetState, ignoreAvailability: Bool) -> Int {
        if rs.replicas < rs.available || ignoreAvailability { return rs.replicas }
        return rs.available
    }

    /// Brings the growing side back under the surge ceiling without losing availability, taking any excess
    /// from the side being drained.
    static func keepWithinLimits(
        draining: (rs: ReplicaSetState?, count: Int), adjusting: (rs: ReplicaSetState?, count: Int), ceiling: Int,
        minAvailable: Int
    ) -> (draining: Int, adjusting: Int) {
        var (drain, adjust) = (draining.count, adjusting.count)
        guard let adjustRS = adjusting.rs else { return (drain, adjust) }
        let availableDraining = draining.rs.map { min($0.available, drain) } ?? 0
        adjust -= max(0, adjust + drain - ceiling)
        let available = availableDraining + min(adjustRS.available, adjust)
        let lostByAdjusting = max(0, adjustRS.available - adjust)
        adjust += min(lostByAdjusting, max(0, minAvailable - available))
        drain -= max(0, adjust + drain - ceiling)
        return (drain, adjust)
    }
}

/// A token bucket: at most `burst` requests at once, refilled at `qps` per second, like client-go's default limiter.
public actor RateLimiter {
    let qps: Double
    let burst: Double
    var tokens: Double
    var last: ContinuousClock.Instant
    let clock = ContinuousClock()

    public init(qps: Double, burst: Int) {
        self.qps = qps
        self.burst = Double(max(burst, 1))
        self.tokens = Double(max(burst, 1))
        self.last = ContinuousClock.now
    }

    /// Waits until a request may be sent.
    public func acquire() async {
        guard qps > 0 else { return }
        refill()
        tokens -= 1
        if tokens >= 0 { return }
        let wait = -tokens / qps
        try? await clock.sleep(for: .milliseconds(Int64(wait * 1000)))
    }

    func refill() {
        let now = clock.now
        let elapsed = last.duration(to: now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        tokens = min(burst, tokens + seconds * qps)
        last = now
    }
}

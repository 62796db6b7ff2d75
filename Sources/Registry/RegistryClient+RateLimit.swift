/// Requests per second a registry allows (`registries.conf`'s `limit`), kept per API URL: each request takes
/// the next free slot, `1/limit` seconds after the previous one, and waits for it. Registries with no limit set
/// are not paced.
struct RequestPacer: Sendable {
    var limits: [String: Int] = [:]
    var nextSlot: [String: ContinuousClock.Instant] = [:]

    /// The instant the next request to `apiURL` may go, reserved; nil when unpaced.
    mutating func reserve(_ apiURL: String, now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        guard let limit = limits[apiURL], limit > 0 else { return nil }
        let slot = max(now, nextSlot[apiURL] ?? now)
        nextSlot[apiURL] = slot + .nanoseconds(1_000_000_000 / Int64(limit))
        return slot
    }
}

extension RegistryClient {
    /// Limits requests to the registry at `apiURL` to `perSecond` (nil removes the limit).
    public func setRateLimit(_ perSecond: Int?, for apiURL: String) {
        let key = RegistryEndpoint(apiURL: apiURL).apiURL
        pacer.limits[key] = perSecond
        if perSecond == nil { pacer.nextSlot[key] = nil }
    }

    /// Waits for the next slot `endpoint`'s limit allows.
    func pace(_ endpoint: RegistryEndpoint) async {
        guard let slot = pacer.reserve(endpoint.apiURL, now: .now) else { return }
        // Cancellation only ends the wait early; the request then fails on its own cancelled task.
        try? await Task.sleep(until: slot, clock: .continuous)
    }
}

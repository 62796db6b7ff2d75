/// Self-heal attempts for one Application: the delay before each doubles from `initial` up to `maximum`.
/// The count starts over only once the app has been seen Synced for twice the last delay: a writer that
/// changes a field back right after each sync leaves the app Synced for moments only, so it is not fought
/// in a tight loop.
struct SelfHealBackoff: Sendable {
    private(set) var count = 0
    private(set) var next = ContinuousClock.now
    private(set) var delay: Duration = .zero
    private var syncedSince: ContinuousClock.Instant?

    /// Records what a reconcile saw; drift after a long enough quiet spell starts the count over.
    mutating func observe(synced: Bool, at now: ContinuousClock.Instant = .now) {
        if synced {
            if syncedSince == nil { syncedSince = now }
            return
        }
        if let since = syncedSince, now - since >= delay * 2 { count = 0 }
        syncedSince = nil
    }

    /// How long to wait before self-healing at `now`, or nil when an attempt may start.
    func wait(at now: ContinuousClock.Instant = .now) -> Duration? {
        count > 0 && now < next ? next - now : nil
    }

    /// Records an attempt starting at `now` and sets the delay before the one after it.
    mutating func recordAttempt(at now: ContinuousClock.Instant = .now, initial: Duration, maximum: Duration) {
        count += 1
        delay = count == 1 ? initial : min(delay * 2, maximum)
        next = now + delay
    }
}

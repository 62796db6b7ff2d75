/// Self-heal attempts for one Application: the delay before each doubles from `initial` up to `maximum`.
/// A sync that briefly makes the app Synced does not reset the count, or a writer that keeps changing a
/// field back would be fought in a tight loop; the count starts over only after the app stayed free of
/// drift for twice the last delay.
struct SelfHealBackoff: Sendable {
    private(set) var count = 0
    private(set) var next = ContinuousClock.now
    private(set) var delay: Duration = .zero

    /// Attempts that still count at `now` (0 once the app has been quiet long enough).
    func activeCount(at now: ContinuousClock.Instant = .now) -> Int {
        count > 0 && now < next + delay * 2 ? count : 0
    }

    /// How long to wait before self-healing at `now`, or nil when an attempt may start.
    func wait(at now: ContinuousClock.Instant = .now) -> Duration? {
        activeCount(at: now) > 0 && now < next ? next - now : nil
    }

    /// Records an attempt starting at `now` and sets the delay before the one after it.
    mutating func recordAttempt(at now: ContinuousClock.Instant = .now, initial: Duration, maximum: Duration) {
        count = activeCount(at: now) + 1
        delay = count == 1 ? initial : min(delay * 2, maximum)
        next = now + delay
    }
}

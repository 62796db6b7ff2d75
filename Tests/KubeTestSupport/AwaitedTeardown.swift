/// Runs `body` with `resource` and then always awaits `teardown`, also when `body` throws. A teardown started
/// in an unawaited task from a `defer` may never run before the test process moves on; this one always has.
public func withAwaitedTeardown<Resource, Result>(
    _ resource: Resource, teardown: (Resource) async -> Void, _ body: (Resource) async throws -> Result
) async throws -> Result {
    do {
        let result = try await body(resource)
        await teardown(resource)
        return result
    } catch {
        await teardown(resource)
        throw error
    }
}

/// Runs `body` with `resource` and then always awaits `teardown`, also when `body` throws: the awaited form of
/// `defer { Task { await resource.shutdown() } }`, whose task may never run before the test process moves on.
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

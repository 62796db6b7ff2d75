import Registry
import Testing

extension RegistryServer {
    /// Runs `body` with a fresh registry and a client of it; both are stopped whatever `body` does.
    public static func withClient(_ body: (RegistryServer, RegistryClient) async throws -> Void) async throws {
        let server = try RegistryServer()
        defer { server.stop() }
        try await withAwaitedTeardown(
            RegistryClient(timeout: .seconds(5)),
            teardown: { client in
                do { try await client.shutdown() } catch { Issue.record("the registry client did not stop: \(error)") }
            }
        ) { client in try await body(server, client) }
    }
}

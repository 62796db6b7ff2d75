import AsyncHTTPClient
import Synchronization

/// The AsyncHTTPClient that carries a client's watches (streamed answers), made on the first watch. A client
/// that never watches (most command-line runs, short-lived clients in tools and tests) holds none, so none
/// can be dropped without the shutdown AsyncHTTPClient requires.
final class WatchTransport: Sendable {
    private enum State {
        case unused
        case made(HTTPClient)
        case shutDown
    }

    private let state = Mutex(State.unused)
    private let group: HTTPClient.EventLoopGroupProvider
    private let configuration: HTTPClient.Configuration

    init(group: HTTPClient.EventLoopGroupProvider, configuration: HTTPClient.Configuration) {
        self.group = group
        self.configuration = configuration
    }

    /// The transport, made now if this is the first watch; after `shutdown()`, an error.
    func client() throws(KubeError) -> HTTPClient {
        let client = state.withLock { state -> HTTPClient? in
            switch state {
            case .made(let client): return client
            case .shutDown: return nil
            case .unused:
                let client = HTTPClient(eventLoopGroupProvider: group, configuration: configuration)
                state = .made(client)
                return client
            }
        }
        guard let client else {
            throw KubeError(code: 0, reason: .transport, message: "the client has been shut down")
        }
        return client
    }

    /// Shuts the transport down if a watch made it; later watches fail.
    func shutdown() async throws {
        let made = state.withLock { state -> HTTPClient? in
            defer { state = .shutDown }
            if case .made(let client) = state { return client }
            return nil
        }
        try await made?.shutdown()
    }
}

import Foundation
import KubeTestSupport
import Logging
import NIOCore
import NIOHTTP1
import Testing

@testable import Kube

/// `KubeClient.Threading.ownEventLoop` against the embedded server over HTTP, and cancellation of a request
/// (which the client implements itself around AsyncHTTPClient's future-based API).
@Suite struct ClientThreadingTests {
    @Test func anOwnEventLoopClientSendsReceivesAndWatchesOnItsLoop() async throws {
        try await TestCluster.with(simulate: false) { cluster in
            var logger = Logger(label: "test")
            logger.logLevel = .error
            let client = try KubeClient(
                config: cluster.client.config, logger: logger, qps: 0, burst: 0, threading: .ownEventLoop)
            let loop = try #require(client.executor?.eventLoop)
            let ns = cluster.namespace
            let names: [String] = try await client.onClientThread {
                let rv = try await client.list(.configMaps, namespace: ns).resourceVersion
                let events = try await client.watch(.configMaps, namespace: ns, resourceVersion: rv)
                var iterator = events.makeAsyncIterator()
                var seen: [String] = []
                for index in 0..<3 {
                    let object = KubeObject(
                        apiVersion: "v1", kind: "ConfigMap", name: "cm-\(index)", namespace: ns,
                        body: ["data": ["index": .string(String(index))]])
                    _ = try await client.create(object)
                    #expect(loop.inEventLoop)
                    let read = try await client.get(.configMaps, namespace: ns, name: "cm-\(index)")
                    #expect(read.json["data"]?["index"]?.stringValue == String(index))
                    while let event = try await iterator.next() {
                        #expect(loop.inEventLoop)
                        if event.type == .added {
                            seen.append(event.object.name)
                            break
                        }
                    }
                }
                return seen
            }
            #expect(names == ["cm-0", "cm-1", "cm-2"])
            try await client.shutdown()
        }
    }

    /// The watches' AsyncHTTPClient is made by the first watch, so a client that never watches holds none; a
    /// watch after `shutdown()` is refused instead of making a transport nobody would shut down.
    @Test func theWatchTransportIsMadeByTheFirstWatchAndRefusedAfterShutdown() async throws {
        try await TestCluster.with(simulate: false) { cluster in
            let client = try KubeClient(config: cluster.client.config, logger: Logger(label: "test"))
            _ = try await client.list(.configMaps, namespace: cluster.namespace)
            let events = try await client.watch(.configMaps, namespace: cluster.namespace, timeoutSeconds: 1)
            for try await _ in events {}
            try await client.shutdown()
            let refused = await #expect(throws: KubeError.self) {
                _ = try await client.watch(.configMaps, namespace: cluster.namespace)
            }
            #expect(refused?.message.contains("shut down") == true, "\(String(describing: refused))")
        }
    }

    @Test func cancellingARequestEndsItBeforeItsTimeout() async throws {
        try await cancelBeforeTimeout(threading: .shared)
    }

    @Test func cancellingARequestOfAnOwnEventLoopClientEndsItBeforeItsTimeout() async throws {
        try await cancelBeforeTimeout(threading: .ownEventLoop)
    }

    func cancelBeforeTimeout(threading: KubeClient.Threading) async throws {
        let listener = try SilentListener()
        defer { listener.close() }
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let client = try KubeClient(
            config: ClusterConfig(server: "http://127.0.0.1:\(listener.port)"), logger: logger, qps: 0, burst: 0,
            threading: threading)
        let started = ContinuousClock.now
        let request = Task {
            try await client.sendRaw(method: .GET, path: "/api/v1/namespaces", timeout: .seconds(120))
        }
        try await Task.sleep(for: .milliseconds(200))
        request.cancel()
        let result = await request.result
        #expect(throws: KubeError.self) { try result.get() }
        #expect(ContinuousClock.now - started < .seconds(60))
        try await client.shutdown()
    }
}

/// A TCP port on 127.0.0.1 that accepts connections (the kernel completes them) and never answers.
struct SilentListener {
    let descriptor: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && listen(descriptor, 16) == 0
                    && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRNOTAVAIL) }
        self.descriptor = descriptor
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(descriptor) }
}

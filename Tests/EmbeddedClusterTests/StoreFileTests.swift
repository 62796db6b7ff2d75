import EmbeddedCluster
import Foundation
import Kube
import KubeTestSupport
import Logging
import Testing

/// The durable store's file: one server owns it, and the resourceVersion sequence survives a restart even when
/// the newest change was a delete (whose resourceVersion no stored row carries).
@Suite struct StoreFileTests {
    let logger: Logger = {
        var logger = Logger(label: "t")
        logger.logLevel = .critical
        return logger
    }()

    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("capstan-file-\(UUID()).sqlite").path
    }

    @Test func aDeleteAsTheLastChangeStillMovesTheResourceVersionOnAfterARestart() async throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = try await ClusterStore(path: path, logger: logger)
        let kept = try await first.create(
            .configMaps, namespace: "default", object: Fixtures.configMap("kept", namespace: "default"))
        _ = try await first.create(
            .configMaps, namespace: "default", object: Fixtures.configMap("gone", namespace: "default"))
        try await first.delete(.configMaps, namespace: "default", name: "gone")
        let afterDelete = await first.currentResourceVersion
        await first.close()

        let second = try await ClusterStore(path: path, logger: logger)
        #expect(await second.currentResourceVersion == afterDelete)
        let next = try await second.create(
            .configMaps, namespace: "default", object: Fixtures.configMap("next", namespace: "default"))
        #expect(Int64(next.resourceVersion!)! == afterDelete + 1)
        #expect(Int64(kept.resourceVersion!)! < afterDelete)
        await second.close()
    }

    @Test func aSecondServerOnTheSameFileIsRefusedUntilTheFirstStops() async throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let options = EmbeddedCluster.Options(dataPath: path, simulateWorkloads: false)
        let first = try await EmbeddedCluster.start(options, logger: logger)
        let refusal = await #expect(throws: ConfigError.self) {
            _ = try await EmbeddedCluster.start(options, logger: logger)
        }
        #expect(refusal?.description.contains("in use by another process") == true)
        await first.stop()
        let second = try await EmbeddedCluster.start(options, logger: logger)
        await second.stop()
    }
}

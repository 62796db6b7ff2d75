import Foundation

/// Debian's `docker-registry` (the CNCF Distribution registry) on 127.0.0.1 over plain HTTP, storing in a
/// temporary folder: a real OCI registry for Helm charts and, later, images.
public final class RegistryServer: Sendable {
    public let port: Int
    let directory: String
    let process: SpawnedProcess

    public static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/docker-registry") }

    public init() throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent(
                "capstan-registry-\(UUID().uuidString.prefix(8))"
            )
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        port = try LoopbackPort.free()
        let config = """
            version: 0.1
            log: {level: error}
            storage:
              filesystem: {rootdirectory: \(directory)/data}
            http:
              addr: 127.0.0.1:\(port)
            """
        try config.write(toFile: "\(directory)/config.yml", atomically: true, encoding: .utf8)
        process = try SpawnedProcess(["/usr/bin/docker-registry", "serve", "\(directory)/config.yml"])
        try LoopbackPort.waitUntilListening(port, server: "docker-registry") { process.isRunning }
    }

    /// `host:port` for references such as `oci://127.0.0.1:5000/charts`.
    public var host: String { "127.0.0.1:\(port)" }

    public func stop() {
        process.stop()
        try? FileManager.default.removeItem(atPath: directory)  // a leftover temporary folder is harmless
    }
}

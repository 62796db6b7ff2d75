import Foundation
import Kube

/// Debian's `docker-registry` (the CNCF Distribution registry) on 127.0.0.1 over plain HTTP, storing in a
/// temporary folder: a real OCI registry for Helm charts and, later, images.
public final class RegistryServer: Sendable {
    public let port: Int
    let directory: String
    let process: SpawnedProcess
    /// The `Authorization` header the push helper sends (a registry with `basicAuth`).
    let pushAuthorization: String?

    public static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/docker-registry") }

    /// `notify` is a URL the registry posts its push notifications to (its `notifications.endpoints`);
    /// `basicAuth` makes the registry require that user and password (an htpasswd file, bcrypt as it demands).
    /// `token` makes the registry trust that token service (the bearer flow); pushes then carry `pushToken`.
    public init(
        notify: String? = nil, basicAuth: (user: String, password: String)? = nil,
        token: (service: RegistryTokenService, pushToken: String)? = nil
    ) throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent(
                "capstan-registry-\(UUID().uuidString.prefix(8))"
            )
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var auth = ""
        pushAuthorization =
            token.map { "Bearer \($0.pushToken)" }
            ?? basicAuth.map { "Basic " + Data("\($0.user):\($0.password)".utf8).base64EncodedString() }
        if let token { auth = token.service.registryConfiguration }
        if let basicAuth {
            let htpasswd = try ChildProcess.runBlocking(
                ["htpasswd", "-Bbn", basicAuth.user, basicAuth.password], input: nil)
            guard htpasswd.status == 0 else {
                throw RegistryServerError(
                    message: "htpasswd failed (scripts/install-deps.sh installs it): \(htpasswd.output)")
            }
            try htpasswd.output.write(toFile: "\(directory)/htpasswd", atomically: true, encoding: .utf8)
            auth = "\nauth:\n  htpasswd:\n    realm: capstan-test\n    path: \(directory)/htpasswd\n"
        }
        (port, process) = try Self.launch(in: directory, extra: (notify.map(Self.notifications) ?? "") + auth)
    }

    /// Starts the registry on a free port; one that exits before it listens (another process took the port
    /// between our check and its bind) is started again on another, up to three times.
    static func launch(in directory: String, extra: String) throws -> (Int, SpawnedProcess) {
        var attempt = 0
        while true {
            let port = try LoopbackPort.free()
            let config = """
                version: 0.1
                log: {level: error}
                storage:
                  filesystem: {rootdirectory: \(directory)/data}
                  delete: {enabled: true}
                http:
                  addr: 127.0.0.1:\(port)
                """ + extra
            try config.write(toFile: "\(directory)/config.yml", atomically: true, encoding: .utf8)
            let process = try SpawnedProcess(["/usr/bin/docker-registry", "serve", "\(directory)/config.yml"])
            do {
                try LoopbackPort.waitUntilListening(port, server: "docker-registry") { process.isRunning }
                return (port, process)
            } catch {
                process.stop()
                attempt += 1
                if attempt == 3 { throw error }
            }
        }
    }

    static func notifications(_ url: String) -> String {
        """

        notifications:
          endpoints:
          - name: capstan
            url: \(url)
            timeout: 2s
            threshold: 10
            backoff: 1s
        """
    }

    /// `host:port` for references such as `oci://127.0.0.1:5000/charts`.
    public var host: String { "127.0.0.1:\(port)" }

    public func stop() {
        process.stop()
        try? FileManager.default.removeItem(atPath: directory)  // a leftover temporary folder is harmless
    }
}

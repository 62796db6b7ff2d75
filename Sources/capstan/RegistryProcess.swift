import Foundation
import Kube

/// Debian's `docker-registry` as a child process on a free loopback port, storing in `directory`, optionally
/// posting push notifications to `notify`: the real registry the image benchmark measures against.
final class RegistryProcess: Sendable {
    let process: Process
    let port: Int
    let directory: String

    init(directory: String, notify: String? = nil) throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/docker-registry") else {
            throw CommandError("docker-registry is not installed (scripts/install-deps.sh installs it)")
        }
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        port = try LoopbackPort.free()
        var config = """
            version: 0.1
            log: {level: error}
            storage:
              filesystem: {rootdirectory: \(directory)/data}
            http:
              addr: 127.0.0.1:\(port)

            """
        if let notify {
            config += """
                notifications:
                  endpoints:
                  - {name: capstan, url: "\(notify)", timeout: 2s, threshold: 10, backoff: 1s}

                """
        }
        try config.write(toFile: "\(directory)/config.yml", atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/docker-registry")
        process.arguments = ["serve", "\(directory)/config.yml"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let running = { [process] in process.isRunning }
        try LoopbackPort.waitUntilListening(port, server: "docker-registry", running: running)
    }

    var host: String { "127.0.0.1:\(port)" }
    var url: String { "http://\(host)" }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

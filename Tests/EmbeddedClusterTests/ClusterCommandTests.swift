import Foundation
import KubeTestSupport
import Testing

/// `capstan cluster` as a user starts it: its banner arrives while it runs, and what it writes to its data
/// folder (the admin token, the kubeconfig, the store with Secrets) is readable by its owner only.
@Suite struct ClusterCommandTests {
    @Test func bannerArrivesAtOnceAndStateIsPrivate() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("capstan-cmd-\(UUID())").path
        let log = dir + ".out"
        defer {
            try? FileManager.default.removeItem(atPath: dir)
            try? FileManager.default.removeItem(atPath: log)
        }
        FileManager.default.createFile(atPath: log, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ChildProcess.capstan)
        process.arguments = ["cluster", "--port", "0", "--data-dir", dir]
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        var banner = ""
        for _ in 0..<600 where !banner.contains("serving at") {
            try await Task.sleep(for: .milliseconds(100))
            banner = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        }
        #expect(banner.contains("serving at https://127.0.0.1:"), "banner while running: \(banner)")
        func mode(_ path: String) throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
        }
        #expect(try mode(dir) == 0o700)
        for file in ["kubeconfig", "token", "cluster.sqlite", "pki/server.key", "pki/client.key"] {
            #expect(try mode(dir + "/" + file) == 0o600, "\(file)")
        }
        #expect(try mode(dir + "/pki") == 0o700)
    }
}

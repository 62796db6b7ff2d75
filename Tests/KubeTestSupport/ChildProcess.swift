import Dispatch
import Foundation

/// Runs a child process (kubectl, git, capstan) without blocking Swift's cooperative thread pool: the wait
/// happens on a Dispatch thread. Tests must use this whenever the child talks to a server in the test
/// process, or two blocked pool threads on a 2-core machine leave that server no thread to answer with.
public enum ChildProcess {
    public struct Output: Sendable {
        public let status: Int32
        public let output: String
    }

    /// The `capstan` binary `swift build` made in this package's build folder.
    public static var capstan: String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/capstan").path
    }

    public static func run(_ arguments: [String], input: String? = nil) async throws -> Output {
        try await offThePool { try runBlocking(arguments, input: input) }
    }

    /// Runs blocking work (reading a child's output, a synchronous git command) on a Dispatch thread. A test
    /// that blocks one of the cooperative pool's two threads instead can starve the servers in the test process
    /// that the child is waiting for: the whole test process then stalls for minutes.
    public static func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
            }
        }
    }

    static func runBlocking(_ arguments: [String], input: String?) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0].hasPrefix("/") ? arguments[0] : "/usr/bin/env")
        process.arguments = arguments[0].hasPrefix("/") ? Array(arguments.dropFirst()) : arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}

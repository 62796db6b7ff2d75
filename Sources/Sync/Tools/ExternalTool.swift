import Dispatch
import Foundation

/// Runs a helper program (`helm`, `jq`) to completion and collects its output. Input is written from a
/// separate thread, so a tool that writes much before it has read everything cannot deadlock on full pipes.
enum ExternalTool {
    /// A tool may exit before reading all its input (jq stops at a compile error); writing the rest must then
    /// fail with EPIPE rather than kill the controller with SIGPIPE, so the process ignores SIGPIPE, as servers
    /// do. Children inherit the ignored SIGPIPE; that matters only to a tool whose output is closed early, and
    /// Capstan always reads a tool's output to the end.
    private static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

    struct Output {
        var status: Int32
        var stdout: Data
        var stderr: String
    }

    /// The first executable called `name` on the PATH.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    /// How long a tool may run before it is stopped: Git content decides what `jsonnet` or `helm` computes, and
    /// one Application's render must not hold a controller worker for ever.
    static let defaultTimeout: Duration = .seconds(120)

    /// A tool that ran past its time limit and was stopped.
    struct Timeout: Error, CustomStringConvertible {
        var tool: String
        var limit: Duration
        var description: String { "\(tool) did not finish within \(limit) and was stopped" }
    }

    /// Runs the tool, blocking the calling thread; stops it (SIGTERM, then SIGKILL) after `timeout`.
    static func run(
        _ executable: String, _ arguments: [String], input: Data? = nil,
        timeout: Duration = defaultTimeout
    ) throws -> Output {
        _ = ignoreBrokenPipes
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        let stdin = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        try process.run()
        let deadline = Deadline()
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout.timeInterval) {
            guard process.isRunning else { return }
            deadline.passed = true
            process.terminate()
            DispatchQueue.global().asyncAfter(deadline: .now() + 5) {
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            }
        }
        if let input {
            DispatchQueue.global().async {
                // A tool that exits without reading its input is judged by its exit status, not by this write.
                try? stdin.fileHandleForWriting.write(contentsOf: input)
                try? stdin.fileHandleForWriting.close()
            }
        }
        let errors = ErrorText()
        let errorsRead = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            errors.data = err.fileHandleForReading.readDataToEndOfFile()
            errorsRead.signal()
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        errorsRead.wait()
        process.waitUntilExit()
        if deadline.passed {
            throw Timeout(tool: URL(fileURLWithPath: executable).lastPathComponent, limit: timeout)
        }
        return Output(
            status: process.terminationStatus, stdout: data, stderr: String(decoding: errors.data, as: UTF8.self))
    }

    /// Set by the timer before it stops the tool; read after `waitUntilExit`, which the tool's exit (caused by
    /// the timer's signal) orders after the write.
    private final class Deadline: @unchecked Sendable {
        var passed = false
    }

    /// Standard error, read on another thread; the semaphore orders the write before the read.
    private final class ErrorText: @unchecked Sendable {
        var data = Data()
    }

    /// Runs the tool on a Dispatch thread, leaving Swift's cooperative pool free while it works.
    static func runDetached(
        _ executable: String, _ arguments: [String], input: Data? = nil,
        timeout: Duration = defaultTimeout
    ) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try run(executable, arguments, input: input, timeout: timeout) })
            }
        }
    }
}

extension Duration {
    /// The duration in seconds, for Dispatch.
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}

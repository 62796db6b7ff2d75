import Foundation

/// A child process started with posix_spawn and stopped with SIGKILL and `waitpid`, for servers and clients
/// a test runs beside itself. Foundation's `Process` is not used for these: a child that closes its inherited
/// descriptors (sshd) looks finished to it, and `waitUntilExit` spins on a cooperative-pool thread.
public final class SpawnedProcess: Sendable {
    public let pid: pid_t
    /// The read end of the child's standard output when it was asked for, else -1 (output goes to /dev/null).
    public let outputDescriptor: Int32

    /// Starts `arguments[0]` (an absolute path) with standard input and error on /dev/null; standard output
    /// goes to a pipe this object keeps when `captureOutput`, else to /dev/null.
    public init(_ arguments: [String], captureOutput: Bool = false) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var pipeEnds: [Int32] = [-1, -1]
        if captureOutput {
            guard pipe(&pipeEnds) == 0 else { throw Self.failure("pipe", errno) }
            posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
            posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
            posix_spawn_file_actions_addclose(&actions, pipeEnds[1])
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, arguments[0], &actions, nil, &argv, environ)
        if captureOutput { close(pipeEnds[1]) }
        guard result == 0 else {
            if captureOutput { close(pipeEnds[0]) }
            throw Self.failure("posix_spawn \(arguments[0])", result)
        }
        self.pid = pid
        outputDescriptor = pipeEnds[0]
    }

    /// Whether the child is still running (it is reaped here when it has ended).
    public var isRunning: Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == 0
    }

    /// Waits for a short-lived child to end on its own: its exit status, or -1 when a signal ended it.
    public func waitForExit() -> Int32 {
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        if outputDescriptor >= 0 { close(outputDescriptor) }
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
    }

    /// Kills the child and waits for it; closes the output pipe.
    public func stop() {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        if outputDescriptor >= 0 { close(outputDescriptor) }
    }

    static func failure(_ what: String, _ code: Int32) -> NSError {
        NSError(
            domain: "SpawnedProcess", code: Int(code),
            userInfo: [NSLocalizedDescriptionKey: "\(what) failed: \(String(cString: strerror(code)))"])
    }
}

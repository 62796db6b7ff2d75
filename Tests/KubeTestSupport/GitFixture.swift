import Foundation

/// A real Git repository made with the `git` command in a temporary folder: tests write files, commit, and
/// hand its path (or `file://` URL) to Capstan.
public final class GitFixture: Sendable {
    /// The work tree (a non-bare repository with branch `main`).
    public let path: String

    public var fileURL: String { "file://" + path }

    public init() throws {
        path =
            FileManager.default.temporaryDirectory.appendingPathComponent("capstan-git-\(UUID().uuidString.prefix(8))")
            .path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try git("init", "-q", "-b", "main")
        try git("config", "user.email", "test@capstan.invalid")
        try git("config", "user.name", "Capstan Test")
        try git("config", "commit.gpgsign", "false")
    }

    /// Writes (or, with nil, deletes) files relative to the work tree.
    public func write(_ files: [String: String?]) throws {
        for (name, content) in files {
            let file = URL(fileURLWithPath: path).appendingPathComponent(name)
            if let content {
                try FileManager.default.createDirectory(
                    at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                try content.write(to: file, atomically: true, encoding: .utf8)
            } else {
                try? FileManager.default.removeItem(at: file)
            }
        }
    }

    /// Writes files, commits everything, and returns the new commit's SHA.
    @discardableResult
    public func commit(_ files: [String: String?], message: String = "change") throws -> String {
        try write(files)
        try git("add", "-A")
        try git("commit", "-q", "--allow-empty", "-m", message)
        return try git("rev-parse", "HEAD")
    }

    /// Runs git in the work tree and returns its trimmed standard output.
    @discardableResult
    public func git(_ arguments: String...) throws -> String {
        try Self.run(["git", "-C", path] + arguments)
    }

    @discardableResult
    public static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw FixtureError(
                message: "\(arguments.joined(separator: " ")): \(String(decoding: errData, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// A failed fixture command.
public struct FixtureError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

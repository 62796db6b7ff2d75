import Foundation

/// Writes files of a source into a folder for a tool that reads directories (helm, jsonnet).
enum StagedFiles {
    static func write(_ files: [(String, [UInt8])], under work: URL, what: String) throws(RenderError) {
        do {
            for (relative, content) in files {
                let target = work.appendingPathComponent(relative)
                try FileManager.default.createDirectory(
                    at: target.deletingLastPathComponent(),
                    withIntermediateDirectories: true)
                try Data(content).write(to: target)
            }
        } catch {
            throw RenderError("could not stage \(what): \(error)")
        }
    }

    /// A new empty folder under the temporary directory.
    static func makeWorkFolder(_ tool: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("capstan-\(tool)-\(UUID().uuidString)")
    }
}

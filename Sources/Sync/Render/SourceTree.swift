/// The files of one repository at one commit, keyed by repository-relative path, with the Application's
/// path as the working directory. Kustomize bases outside the app path (`../base`) resolve against it.
public struct SourceTree: Sendable {
    public var files: [String: [UInt8]]
    /// The app path, normalized: no leading or trailing slash, empty for the root.
    public var root: String

    public init(files: [String: [UInt8]], root: String) {
        self.files = files
        self.root = Self.normalize(root)
    }

    /// Joins and normalizes (`a/b/../c` → `a/c`); nil when the path escapes the repository.
    public static func join(_ base: String, _ relative: String) -> String? {
        var parts: [Substring] = relative.hasPrefix("/") ? [] : base.split(separator: "/")
        for part in relative.split(separator: "/") {
            switch part {
            case ".": continue
            case "..":
                guard !parts.isEmpty else { return nil }
                parts.removeLast()
            default: parts.append(part)
            }
        }
        return parts.joined(separator: "/")
    }

    static func normalize(_ path: String) -> String { join("", path) ?? "" }

    /// The contents of a file, by repository-relative path.
    public func file(_ path: String) -> [UInt8]? { files[path] }

    /// True when some file lies under `directory`.
    public func isDirectory(_ directory: String) -> Bool {
        let prefix = directory.isEmpty ? "" : directory + "/"
        return files.keys.contains { $0.hasPrefix(prefix) }
    }

    /// Files under `directory`, as paths relative to it, sorted; only direct children unless `recurse`.
    public func list(_ directory: String, recurse: Bool) -> [String] {
        let prefix = directory.isEmpty ? "" : directory + "/"
        return files.keys.compactMap { path -> String? in
            guard path.hasPrefix(prefix) else { return nil }
            let relative = String(path.dropFirst(prefix.count))
            return recurse || !relative.contains("/") ? relative : nil
        }.sorted()
    }
}

/// Why a source could not be rendered: becomes the Application's ComparisonError.
public struct RenderError: Error, Sendable, CustomStringConvertible, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

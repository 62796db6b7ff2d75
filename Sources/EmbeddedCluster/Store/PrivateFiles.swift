import Foundation

/// Files that hold credentials or Secrets (the store, the kubeconfig, the token, the keys) are readable by
/// their owner only: folders 0700, files 0600, also when they existed before with wider permissions.
public enum PrivateFiles {
    /// Creates `path` (and missing parents) and restricts it to its owner.
    public static func makeDirectory(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: path)
    }

    /// Writes `contents` atomically to a file only its owner can read.
    public static func write(_ contents: String, to path: String) throws {
        try makeDirectory((path as NSString).deletingLastPathComponent)
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        try restrict(path)
    }

    /// Creates `path` empty and private when it does not exist, and restricts it when it does, so a file
    /// that another library opens (SQLite) is never created readable by others.
    public static func prepare(_ path: String) throws {
        try makeDirectory((path as NSString).deletingLastPathComponent)
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
            else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
        }
        try restrict(path)
    }

    public static func restrict(_ path: String) throws {
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    }
}

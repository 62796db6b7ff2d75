import Foundation
import Sync

/// What a Git write-back changes, decided before anything is fetched: the directory of the repository it works
/// in and, given that directory's files at the branch head, the files to write.
struct GitWriteBackPlan: Sendable {
    /// Relative to the repository root, no leading or trailing slash ("" is the root).
    let directory: String
    let updates: [ImageUpdate]
    let changes: @Sendable ([String: [UInt8]]) throws(WriteBackError) -> [String: [UInt8]]

    init(
        source: ApplicationSource, app: String, type: SourceType, target: WriteBackSettings.Target,
        updates: [ImageUpdate], parameters: [(name: String, value: String)]
    ) throws(WriteBackError) {
        self.updates = updates
        let appPath = Self.normalized(source.path)
        switch (target, type) {
        case (.sourceFile, .kustomize), (.sourceFile, .helm):
            directory = appPath
            let name = SourceFileWriteBack.fileName(app: app)
            changes = { (files) throws(WriteBackError) in
                let existing = files[name].map { String(decoding: $0, as: UTF8.self) }
                do {
                    let text =
                        type == .kustomize
                        ? try SourceFileWriteBack.kustomize(existing: existing, updates: updates)
                        : try SourceFileWriteBack.helm(existing: existing, parameters: parameters)
                    return text.map { [name: Array($0.utf8)] } ?? [:]
                } catch {
                    throw WriteBackError("\(name) is not YAML: \(error)")
                }
            }
        case (.sourceFile, .directory):
            directory = appPath
            changes = { (files) throws(WriteBackError) in
                var written: [String: [UInt8]] = [:]
                for (name, bytes) in files where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
                    if let text = try ManifestWriteBack.edit(String(decoding: bytes, as: UTF8.self), updates: updates) {
                        written[name] = Array(text.utf8)
                    }
                }
                return written
            }
        case (.kustomization(let path), _):
            directory = Self.resolve(path ?? ".", from: appPath)
            changes = { (files) throws(WriteBackError) in
                guard
                    let name = ["kustomization.yaml", "kustomization.yml", "Kustomization"].first(where: {
                        files[$0] != nil
                    })
                else {
                    throw WriteBackError("no kustomization.yaml in '\(Self.display(path ?? appPath))'")
                }
                let text = String(decoding: files[name]!, as: UTF8.self)
                return try KustomizationWriteBack.edit(text, updates: updates).map { [name: Array($0.utf8)] } ?? [:]
            }
        case (.helmValues(let path), _):
            let file = Self.resolve(path ?? "values.yaml", from: appPath)
            let slash = file.lastIndex(of: "/")
            directory = slash.map { String(file[..<$0]) } ?? ""
            let name = slash.map { String(file[file.index(after: $0)...]) } ?? file
            changes = { (files) throws(WriteBackError) in
                guard let bytes = files[name] else { throw WriteBackError("the values file '\(file)' does not exist") }
                let values = parameters.map { (key: $0.name, value: $0.value) }
                return try HelmValuesWriteBack.edit(String(decoding: bytes, as: UTF8.self), values: values)
                    .map { [name: Array($0.utf8)] } ?? [:]
            }
        }
    }

    static func display(_ path: String) -> String { path.isEmpty ? "." : path }

    /// `path` without `.` parts or surrounding slashes.
    static func normalized(_ path: String) -> String {
        path.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
    }

    /// A target path as Argo reads it: from the repository root when it starts with `/`, else from the app path.
    static func resolve(_ path: String, from appPath: String) -> String {
        var parts = path.hasPrefix("/") ? [] : appPath.split(separator: "/").map(String.init)
        for part in path.split(separator: "/") {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(String(part))
            }
        }
        return parts.joined(separator: "/")
    }
}

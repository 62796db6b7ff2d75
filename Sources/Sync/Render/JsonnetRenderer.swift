import Foundation
import Kube

/// Evaluates the `*.jsonnet` files of a directory source with Debian's `jsonnet`, as Argo CD does: the
/// repository is staged so imports resolve, `directory.jsonnet.libs` are library paths relative to the
/// repository root, `extVars` and `tlas` are passed as strings or, with `code: true`, as Jsonnet code. A file
/// may give one object, a `List`, or an array of objects (nested arrays flattened).
struct JsonnetRenderer {
    var options: JSON?
    /// How long one file may evaluate (Git content decides how much Jsonnet computes).
    var timeout = ExternalTool.defaultTimeout

    static func binary() -> String? { ExternalTool.find("jsonnet") }

    /// Renders `files` (paths relative to the repository root) of `tree`.
    func render(_ files: [String], tree: SourceTree) throws(RenderError) -> [KubeObject] {
        guard !files.isEmpty else { return [] }
        guard let jsonnet = Self.binary() else {
            throw RenderError(
                "this source holds Jsonnet (\(files[0])), but no 'jsonnet' binary is installed on the "
                    + "controller's PATH (Debian package jsonnet)")
        }
        let work = StagedFiles.makeWorkFolder("jsonnet")
        defer { try? FileManager.default.removeItem(at: work) }  // a leftover temporary folder is harmless
        try StagedFiles.write(tree.files.map { ($0.key, $0.value) }, under: work, what: "the Jsonnet sources")
        let flags = try arguments(work: work)
        var objects: [KubeObject] = []
        for file in files {
            let output: ExternalTool.Output
            do {
                output = try ExternalTool.run(
                    jsonnet, flags + [work.appendingPathComponent(file).path], timeout: timeout)
            } catch {
                throw RenderError("could not run jsonnet on \(file): \(error)")
            }
            guard output.status == 0 else {
                let message = output.stderr.replacingOccurrences(of: work.path + "/", with: "")
                throw RenderError(
                    "jsonnet failed on \(file): \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
            let value: JSON
            do { value = try JSON.parse(Array(output.stdout)) } catch {
                throw RenderError("jsonnet output of \(file) is not JSON: \(error)")
            }
            objects += try ManifestParser.objects(in: [value], file: file)
        }
        return objects
    }

    /// `-J lib` for each library path, `--ext-str`/`--ext-code` and `--tla-str`/`--tla-code` for the variables.
    func arguments(work: URL) throws(RenderError) -> [String] {
        let jsonnet = options?["jsonnet"]
        var arguments: [String] = []
        for lib in jsonnet?["libs"]?.arrayValue ?? [] {
            guard let path = lib.stringValue, let relative = SourceTree.join("", path) else {
                throw RenderError("directory.jsonnet.libs entry \(lib) is not a path inside the repository")
            }
            arguments += ["-J", work.appendingPathComponent(relative).path]
        }
        for (field, flag) in [("extVars", "ext"), ("tlas", "tla")] {
            for variable in jsonnet?[field]?.arrayValue ?? [] {
                guard let name = variable["name"]?.stringValue, !name.isEmpty else {
                    throw RenderError("directory.jsonnet.\(field) entry \(variable) has no name")
                }
                let value = variable["value"]?.stringValue ?? ""
                let code = variable["code"]?.boolValue ?? false
                arguments += ["--\(flag)-\(code ? "code" : "str")", "\(name)=\(value)"]
            }
        }
        return arguments
    }
}

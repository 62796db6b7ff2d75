import Kube

/// Turns manifest files (multi-document YAML or JSON) into objects, expanding `kind: List`.
public enum ManifestParser {
    public static func objects(in bytes: [UInt8], file: String) throws(RenderError) -> [KubeObject] {
        let documents: [JSON]
        do {
            if file.hasSuffix(".json") {
                documents = [try JSON.parse(bytes)]
            } else {
                documents = try YAML.parseAll(String(decoding: bytes, as: UTF8.self))
            }
        } catch {
            throw RenderError("failed to parse \(file): \(error)")
        }
        return try objects(in: documents, file: file)
    }

    /// Objects of parsed documents: each an object, a `List`, or (as Jsonnet gives them) an array of these.
    static func objects(in documents: [JSON], file: String) throws(RenderError) -> [KubeObject] {
        var objects: [KubeObject] = []
        for document in documents where document != .null {
            if let elements = document.arrayValue {
                objects += try Self.objects(in: elements, file: file)
                continue
            }
            guard case .object = document else { throw RenderError("\(file): a document is not an object") }
            if document["kind"]?.stringValue?.hasSuffix("List") == true, let items = document["items"]?.arrayValue {
                for item in items { objects.append(try validated(item, file: file)) }
            } else if !(document.objectValue?.isEmpty ?? true) {
                objects.append(try validated(document, file: file))
            }
        }
        return objects
    }

    static func validated(_ json: JSON, file: String) throws(RenderError) -> KubeObject {
        let object = KubeObject(json)
        guard !(json["apiVersion"]?.stringValue ?? "").isEmpty, !(json["kind"]?.stringValue ?? "").isEmpty else {
            throw RenderError("\(file): object is missing apiVersion or kind")
        }
        guard !object.name.isEmpty || object.generateName != nil else {
            throw RenderError("\(file): \(object.kind) has no metadata.name")
        }
        return object
    }

    static func isManifest(_ path: String) -> Bool {
        path.hasSuffix(".yaml") || path.hasSuffix(".yml") || path.hasSuffix(".json")
    }
}

import Kube

/// `/openapi/v2` in the protobuf form kube-apiserver also serves: the Swagger 2.0 document as the
/// `openapi.v2.Document` message of Google's gnostic, which kubectl asks for (and only for) when it validates
/// a manifest whose kind the OpenAPI v3 documents do not describe, and for `kubectl explain --output
/// plaintext-openapiv2`. Written from the JSON document by the message's field numbers; a value the message
/// has no field for (JSON Schema keywords Swagger 2.0 lacks) is left out, as gnostic leaves it out. Values of
/// type `Any` (defaults, enums, examples, vendor extensions) carry their YAML text, written as JSON.
enum OpenAPIv2Protobuf {
    /// The media type kube-apiserver answers with (Go's MIME parser refuses the `@` of the other spelling).
    static let mediaType = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
    /// The older spelling, which kubectl asks with and kube-apiserver still accepts.
    static let legacyMediaType = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"

    /// Whether an Accept header asks for the protobuf form (before JSON, which `*/*` also allows).
    static func requested(by accept: String) -> Bool {
        accept.contains(mediaType) || accept.contains(legacyMediaType)
    }

    /// The `Document` message of a Swagger 2.0 document.
    static func document(_ json: JSON) -> [UInt8] {
        var out = ProtoWriter()
        out.string(1, json["swagger"]?.stringValue ?? "2.0")
        if let info = json["info"] {
            out.message(2) { message in
                message.string(1, info["title"]?.stringValue ?? "")
                message.string(2, info["version"]?.stringValue ?? "")
                message.string(3, info["description"]?.stringValue ?? "")
            }
        }
        out.string(3, json["host"]?.stringValue ?? "")
        out.string(4, json["basePath"]?.stringValue ?? "")
        strings(5, json["schemes"], into: &out)
        strings(6, json["consumes"], into: &out)
        strings(7, json["produces"], into: &out)
        if let paths = json["paths"]?.objectValue {
            out.message(8) { message in
                for (name, item) in paths.sorted(by: { $0.key < $1.key }) {
                    message.message(2) { named in
                        named.string(1, name, keepEmpty: true)
                        named.message(2) { self.pathItem(item, into: &$0) }
                    }
                }
            }
        }
        if let definitions = json["definitions"]?.objectValue {
            out.message(9) { namedSchemas(definitions, into: &$0) }
        }
        for requirement in json["security"]?.arrayValue ?? [] {
            out.message(12) { message in
                for (name, scopes) in (requirement.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                    message.message(1) { named in
                        named.string(1, name, keepEmpty: true)
                        named.message(2) { strings(1, scopes, into: &$0) }
                    }
                }
            }
        }
        if let definitions = json["securityDefinitions"]?.objectValue {
            out.message(13) { message in
                for (name, definition) in definitions.sorted(by: { $0.key < $1.key }) {
                    message.message(1) { named in
                        named.string(1, name, keepEmpty: true)
                        named.message(2) { self.securityDefinition(definition, into: &$0) }
                    }
                }
            }
        }
        vendorExtensions(16, json, into: &out)
        return out.bytes
    }

    // MARK: paths

    private static func pathItem(_ item: JSON, into out: inout ProtoWriter) {
        out.string(1, item["$ref"]?.stringValue ?? "")
        let verbs = [("get", 2), ("put", 3), ("post", 4), ("delete", 5), ("options", 6), ("head", 7), ("patch", 8)]
        for (verb, number) in verbs {
            if let operation = item[verb] { out.message(number) { self.operation(operation, into: &$0) } }
        }
        for parameter in item["parameters"]?.arrayValue ?? [] {
            out.message(9) { self.parametersItem(parameter, into: &$0) }
        }
        vendorExtensions(10, item, into: &out)
    }

    private static func operation(_ operation: JSON, into out: inout ProtoWriter) {
        strings(1, operation["tags"], into: &out)
        out.string(2, operation["summary"]?.stringValue ?? "")
        out.string(3, operation["description"]?.stringValue ?? "")
        out.string(5, operation["operationId"]?.stringValue ?? "")
        strings(6, operation["produces"], into: &out)
        strings(7, operation["consumes"], into: &out)
        for parameter in operation["parameters"]?.arrayValue ?? [] {
            out.message(8) { self.parametersItem(parameter, into: &$0) }
        }
        if let responses = operation["responses"]?.objectValue {
            out.message(9) { message in
                for (code, response) in responses.sorted(by: { $0.key < $1.key }) {
                    message.message(1) { named in
                        named.string(1, code, keepEmpty: true)
                        named.message(2) { value in
                            if let ref = response["$ref"]?.stringValue {
                                value.message(2) { $0.string(1, ref) }
                            } else {
                                value.message(1) { self.response(response, into: &$0) }
                            }
                        }
                    }
                }
            }
        }
        strings(10, operation["schemes"], into: &out)
        out.bool(11, operation["deprecated"]?.boolValue ?? false)
        vendorExtensions(13, operation, into: &out)
    }

    private static func response(_ response: JSON, into out: inout ProtoWriter) {
        out.string(1, response["description"]?.stringValue ?? "")
        if let schema = response["schema"] {
            out.message(2) { item in item.message(1) { self.schema(schema, into: &$0) } }
        }
        vendorExtensions(5, response, into: &out)
    }

    /// A parameter, or a reference to one. Body parameters carry a schema; the others a type, by where they go.
    private static func parametersItem(_ parameter: JSON, into out: inout ProtoWriter) {
        if let ref = parameter["$ref"]?.stringValue {
            out.message(2) { $0.string(1, ref) }
            return
        }
        out.message(1) { message in
            let location = parameter["in"]?.stringValue ?? ""
            if location == "body" {
                message.message(1) { body in
                    body.string(1, parameter["description"]?.stringValue ?? "")
                    body.string(2, parameter["name"]?.stringValue ?? "")
                    body.string(3, location)
                    body.bool(4, parameter["required"]?.boolValue ?? false)
                    if let schema = parameter["schema"] { body.message(5) { self.schema(schema, into: &$0) } }
                    vendorExtensions(6, parameter, into: &body)
                }
                return
            }
            // header 1, formData 2, query 3, path 4; formData and query have allowEmptyValue at 5, so their
            // type is at 6 where the others have it at 5.
            let (choice, typeField) =
                switch location {
                case "header": (1, 5)
                case "formData": (2, 6)
                case "path": (4, 5)
                default: (3, 6)
                }
            message.message(2) { nonBody in
                nonBody.message(choice) { sub in
                    sub.bool(1, parameter["required"]?.boolValue ?? false)
                    sub.string(2, location)
                    sub.string(3, parameter["description"]?.stringValue ?? "")
                    sub.string(4, parameter["name"]?.stringValue ?? "")
                    if typeField == 6 { sub.bool(5, parameter["allowEmptyValue"]?.boolValue ?? false) }
                    sub.string(typeField, parameter["type"]?.stringValue ?? "")
                    sub.string(typeField + 1, parameter["format"]?.stringValue ?? "")
                    if let unique = parameter["uniqueItems"]?.boolValue { sub.bool(typeField + 14, unique) }
                }
            }
        }
    }

    private static func securityDefinition(_ definition: JSON, into out: inout ProtoWriter) {
        let type = definition["type"]?.stringValue ?? ""
        if type == "apiKey" {
            out.message(2) { key in
                key.string(1, type)
                key.string(2, definition["name"]?.stringValue ?? "")
                key.string(3, definition["in"]?.stringValue ?? "")
                key.string(4, definition["description"]?.stringValue ?? "")
            }
        } else if type == "basic" {
            out.message(1) { basic in
                basic.string(1, type)
                basic.string(2, definition["description"]?.stringValue ?? "")
            }
        }
    }

    // MARK: schemas

    private static func namedSchemas(_ schemas: [String: JSON], into out: inout ProtoWriter) {
        for (name, schema) in schemas.sorted(by: { $0.key < $1.key }) {
            out.message(1) { named in
                named.string(1, name, keepEmpty: true)
                named.message(2) { self.schema(schema, into: &$0) }
            }
        }
    }

    static func schema(_ schema: JSON, into out: inout ProtoWriter) {
        out.string(1, schema["$ref"]?.stringValue ?? "")
        out.string(2, schema["format"]?.stringValue ?? "")
        out.string(3, schema["title"]?.stringValue ?? "")
        out.string(4, schema["description"]?.stringValue ?? "")
        if let value = schema["default"] { out.message(5) { self.any(value, into: &$0) } }
        out.double(6, schema["multipleOf"]?.doubleValue ?? 0)
        out.double(7, schema["maximum"]?.doubleValue ?? 0)
        out.bool(8, schema["exclusiveMaximum"]?.boolValue ?? false)
        out.double(9, schema["minimum"]?.doubleValue ?? 0)
        out.bool(10, schema["exclusiveMinimum"]?.boolValue ?? false)
        let counts = [
            ("maxLength", 11), ("minLength", 12), ("maxItems", 14), ("minItems", 15), ("maxProperties", 17),
            ("minProperties", 18),
        ]
        for (name, number) in counts { out.int64(number, schema[name]?.intValue ?? 0) }
        out.string(13, schema["pattern"]?.stringValue ?? "")
        out.bool(16, schema["uniqueItems"]?.boolValue ?? false)
        strings(19, schema["required"], into: &out)
        for value in schema["enum"]?.arrayValue ?? [] { out.message(20) { self.any(value, into: &$0) } }
        switch schema["additionalProperties"] {
        case .bool(let allowed)?: out.message(21) { $0.bool(2, allowed) }
        case let additional? where additional.objectValue != nil:
            out.message(21) { item in item.message(1) { self.schema(additional, into: &$0) } }
        default: break
        }
        switch schema["type"] {
        case .string(let type)?: out.message(22) { $0.string(1, type, keepEmpty: true) }
        case .array?: out.message(22) { strings(1, schema["type"], into: &$0) }
        default: break
        }
        switch schema["items"] {
        case .array(let items)?:
            out.message(23) { message in for item in items { message.message(1) { self.schema(item, into: &$0) } } }
        case let item? where item.objectValue != nil:
            out.message(23) { message in message.message(1) { self.schema(item, into: &$0) } }
        default: break
        }
        for part in schema["allOf"]?.arrayValue ?? [] { out.message(24) { self.schema(part, into: &$0) } }
        if let properties = schema["properties"]?.objectValue {
            out.message(25) { namedSchemas(properties, into: &$0) }
        }
        out.string(26, schema["discriminator"]?.stringValue ?? "")
        out.bool(27, schema["readOnly"]?.boolValue ?? false)
        if let example = schema["example"] { out.message(30) { self.any(example, into: &$0) } }
        vendorExtensions(31, schema, into: &out)
    }

    // MARK: values

    /// `x-` members, as `NamedAny` fields numbered `number`.
    private static func vendorExtensions(_ number: Int, _ json: JSON, into out: inout ProtoWriter) {
        for (name, value) in (json.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) where name.hasPrefix("x-") {
            out.message(number) { named in
                named.string(1, name, keepEmpty: true)
                named.message(2) { self.any(value, into: &$0) }
            }
        }
    }

    /// An `Any`: its YAML text (JSON is YAML).
    private static func any(_ value: JSON, into out: inout ProtoWriter) {
        out.string(2, String(decoding: value.serializedBytes(), as: UTF8.self) + "\n")
    }

    private static func strings(_ number: Int, _ values: JSON?, into out: inout ProtoWriter) {
        for value in values?.arrayValue ?? [] { out.string(number, value.stringValue ?? "", keepEmpty: true) }
    }
}

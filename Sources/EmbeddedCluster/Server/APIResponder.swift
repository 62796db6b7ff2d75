import Foundation
import HTTPTypes
import Hummingbird
import Kube
import Logging
import NIOCore

/// Serves the Kubernetes REST API from a `ClusterStore`: discovery, CRUD, watch, patches, subresources.
/// Every failure is answered with a Kubernetes `Status` body; nothing a client sends can stop the server.
struct APIResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let store: ClusterStore
    let token: String?
    let maximumBodyBytes: Int
    let bookmarkInterval: Duration
    let logger: Logger
    let openAPI = OpenAPICache()

    func respond(to request: Request, context: Context) async throws -> Response {
        do {
            if let token, !Self.bearerMatches(request.headers[.authorization], token: token) {
                guard let presented = Self.bearerToken(request.headers[.authorization]),
                    await store.acceptsIssuedToken(presented)
                else { throw KubeError(code: 401, reason: .unauthorized, message: "Unauthorized") }
            }
            return try await route(request)
        } catch let error as KubeError {
            return Self.statusResponse(error)
        } catch {
            logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return Self.statusResponse(KubeError(code: 500, reason: .internalError, message: "\(error)"))
        }
    }

    func route(_ request: Request) async throws -> Response {
        let catalog = await store.catalog
        let target = RequestTarget(path: request.uri.path) { catalog.type($0)?.namespaced }
        if case .resource(let path) = target {
            return try await resource(path, request: request, storageKey: catalog.type(path.gvr)?.storageKey)
        }
        guard request.method == .get else {
            throw KubeError(
                code: 405, reason: .methodNotAllowed,
                message: "the server does not allow this method on the requested resource")
        }
        switch target {
        case .version:
            return Self.json([
                "major": "1", "minor": "32", "gitVersion": "v1.32.0-capstan", "gitCommit": "", "gitTreeState": "",
                "buildDate": "", "goVersion": "n/a", "compiler": "swift", "platform": "linux/amd64",
            ])
        case .health: return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "ok")))
        case .coreGroupList: return Self.json(catalog.coreVersions)
        case .groupList: return Self.json(catalog.groupList)
        case .group(let name): return Self.json(try found(catalog.group(name)))
        case .resourceList(let gv): return Self.json(try found(catalog.resourceList(gv)))
        case .openAPIv3Root:
            return Self.bytes(
                await openAPI.bytes(revision: catalog.revision, key: "v3") { catalog.openAPIv3Root } ?? [])
        case .openAPIv3(let gv):
            let document = await openAPI.bytes(revision: catalog.revision, key: "v3 \(gv)") { catalog.openAPIv3(gv) }
            guard let document else {
                throw KubeError(
                    code: 404, reason: .notFound, message: "the server could not find the requested resource")
            }
            return Self.bytes(document)
        case .openAPIv2:
            let accept = request.headers[.accept] ?? ""
            if OpenAPIv2Protobuf.requested(by: accept) {
                let document = await openAPI.encoded(revision: catalog.revision, key: "v2 protobuf") {
                    OpenAPIv2Protobuf.document(catalog.openAPIv2)
                }
                return Response(
                    status: .ok, headers: [.contentType: OpenAPIv2Protobuf.mediaType],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: document ?? [])))
            }
            guard accept.isEmpty || accept.contains("json") || accept.contains("*/*") else {
                throw KubeError(
                    code: 406, reason: .notAcceptable,
                    message: "/openapi/v2 is served as application/json or \(OpenAPIv2Protobuf.mediaType)")
            }
            return Self.bytes(await openAPI.bytes(revision: catalog.revision, key: "v2") { catalog.openAPIv2 } ?? [])
        case .unknown, .resource:
            throw KubeError(code: 404, reason: .notFound, message: "the server could not find the requested resource")
        }
    }

    func found(_ json: JSON?) throws(KubeError) -> JSON {
        guard let json else {
            throw KubeError(code: 404, reason: .notFound, message: "the server could not find the requested resource")
        }
        return json
    }

    /// A resource request, with the `Warning` headers its write earned (unknown fields under `Warn`).
    func resource(_ path: ResourcePath, request: Request, storageKey: String?) async throws -> Response {
        var parameters: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { parameters[String(name)] = String(value) }
        let query = QueryOptions(parameters)
        let options = WriteOptions(
            fieldManager: query["fieldManager"] ?? Self.defaultManager(request.headers[.userAgent]),
            dryRun: try query.dryRun, force: query["force"] == "true",
            fieldValidation: try FieldValidation.parse(query["fieldValidation"]))
        var response = try await resource(
            path, request: request, query: query, options: options, storageKey: storageKey)
        for warning in options.warnings.all {
            let quoted = warning.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
                of: "\"", with: "\\\"")
            response.headers.append(HTTPField(name: Self.warningHeader, value: "299 - \"\(quoted)\""))
        }
        return response
    }

    func resource(
        _ path: ResourcePath, request: Request, query: QueryOptions, options: WriteOptions, storageKey: String?
    ) async throws -> Response {
        var request = request
        func param(_ name: String) -> String? { query[name] }
        let gvr = path.gvr
        _ = try query.gracePeriodSeconds
        let storageKey = storageKey ?? gvr.resource
        if request.method == .post, let type = await store.catalog.type(gvr), type.createOnly {
            return Self.json(
                AccessReviews.answer(try await body(&request), kind: type.kind, manager: options.fieldManager),
                status: .created)
        }
        if request.method == .post, gvr.resource == "serviceaccounts", let name = path.name, path.subresource == "token"
        {
            let tokenRequest = try await body(&request)
            return Self.json(
                try await store.issueToken(
                    namespace: path.namespace ?? "default", serviceAccount: name, request: tokenRequest,
                    manager: options.fieldManager),
                status: .created)
        }
        if gvr.resource == "pods", let name = path.name, let sub = path.subresource,
            sub == "log" || PodSubresources.streaming.contains(sub)
        {
            let pod = KubeObject(try JSON.parse(try await store.getBytes(gvr, namespace: path.namespace, name: name)))
            guard sub == "log" else { throw PodSubresources.unsupported(sub, pod: name) }
            return try PodSubresources.log(pod: pod, container: param("container"))
        }
        guard path.subresource == nil || ["status", "scale"].contains(path.subresource!) else {
            throw KubeError(code: 404, reason: .notFound, message: "the server could not find the requested resource")
        }
        switch (request.method, path.name, path.subresource) {
        case (.get, nil, _):
            let labels = try param("labelSelector").map { (text) throws(KubeError) in try Self.labelSelector(text) }
            let fields = try param("fieldSelector").map { (text) throws(KubeError) in
                try Self.fieldSelector(text, resource: storageKey)
            }
            let resourceVersion = try query.resourceVersion
            if query.isWatch {
                return try await WatchResponder(store: store, bookmarkInterval: bookmarkInterval).watch(
                    gvr, namespace: path.namespace, labels: labels, fields: fields,
                    resourceVersion: resourceVersion, timeoutSeconds: try query.timeoutSeconds,
                    bookmarks: param("allowWatchBookmarks") == "true",
                    lines: await tableLines(
                        gvr, accept: request.headers[.accept], includeObject: param("includeObject")))
            }
            let list = try await store.listBytes(
                gvr, namespace: path.namespace, labelSelector: labels,
                fieldSelector: fields, limit: try query.limit,
                continue: param("continue"))
            if TableFormat.wanted(request.headers[.accept]), let type = await store.catalog.type(gvr) {
                let parsed = try JSON.parse(list)
                return Self.json(
                    TableFormat.table(
                        (parsed["items"]?.arrayValue ?? []).map(KubeObject.init), type: type,
                        listMetadata: parsed["metadata"] ?? [:], includeObject: param("includeObject")))
            }
            return Self.bytes(list)
        case (.get, let name?, "scale"):
            return Self.json(try await store.scale(gvr, namespace: path.namespace, name: name).json)
        case (.get, let name?, nil) where TableFormat.wanted(request.headers[.accept]):
            let object = KubeObject(
                try JSON.parse(try await store.getBytes(gvr, namespace: path.namespace, name: name)))
            guard let type = await store.catalog.type(gvr) else { return Self.json(object.json) }
            return Self.json(
                TableFormat.table(
                    [object], type: type, listMetadata: ["resourceVersion": .string(object.resourceVersion ?? "")],
                    includeObject: param("includeObject")))
        case (.get, let name?, _):
            return Self.bytes(try await store.getBytes(gvr, namespace: path.namespace, name: name))
        case (.post, nil, nil):
            let object = KubeObject(try await body(&request))
            return Self.bytes(
                try await store.answer(gvr, dryRun: options.dryRun) { (store) throws(KubeError) in
                    try store.create(gvr, namespace: path.namespace, object: object, options: options)
                }, status: .created)
        case (.put, let name?, "scale"):
            let scale = KubeObject(try await body(&request))
            return Self.json(
                try await store.updateScale(
                    gvr, namespace: path.namespace, name: name, newScale: scale,
                    patchType: nil, patchBody: nil, options: options
                ).json)
        case (.put, let name?, let sub):
            let object = KubeObject(try await body(&request))
            return Self.bytes(
                try await store.answer(gvr, dryRun: options.dryRun) { (store) throws(KubeError) in
                    try store.update(
                        gvr, namespace: path.namespace, name: name, object: object, subresource: sub, options: options)
                })
        case (.patch, let name?, let sub):
            guard let type = PatchType(contentType: request.headers[.contentType] ?? "") else {
                throw KubeError(
                    code: 415, reason: .unsupportedMediaType,
                    message:
                        "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json"
                )
            }
            let raw = try await rawBody(&request)
            if sub == "scale" {
                return Self.json(
                    try await store.updateScale(
                        gvr, namespace: path.namespace, name: name, newScale: nil,
                        patchType: type, patchBody: raw, options: options
                    ).json)
            }
            return Self.bytes(
                try await store.answer(gvr, dryRun: options.dryRun) { (store) throws(KubeError) in
                    try store.patch(
                        gvr, namespace: path.namespace, name: name, type: type, body: raw, subresource: sub,
                        options: options)
                })
        case (.delete, let name?, nil):
            let raw = try await rawBody(&request)
            let deleteOptions = raw.isEmpty ? JSON.object([:]) : try Self.parse(raw)
            let policyName = deleteOptions["propagationPolicy"]?.stringValue ?? param("propagationPolicy")
            let policy = policyName.flatMap(PropagationPolicy.init(rawValue:))
            if let policyName, policy == nil {
                throw KubeError(
                    code: 400, reason: .badRequest,
                    message: "propagationPolicy \"\(policyName)\" must be Background, Foreground or Orphan")
            }
            let result = try await store.delete(
                gvr, namespace: path.namespace, name: name, propagation: policy,
                preconditionUID: deleteOptions["preconditions"]?["uid"]?.stringValue,
                preconditionResourceVersion: deleteOptions["preconditions"]?["resourceVersion"]?.stringValue,
                dryRun: options.dryRun)
            return Self.json(result.object.json, status: result.finished ? .ok : .accepted)
        case (.delete, nil, nil):
            let labels = try param("labelSelector").map { (text) throws(KubeError) in try Self.labelSelector(text) }
            let fields = try param("fieldSelector").map { (text) throws(KubeError) in
                try Self.fieldSelector(text, resource: storageKey)
            }
            return Self.json(
                try await store.deleteCollection(
                    gvr, namespace: path.namespace, labelSelector: labels,
                    fieldSelector: fields, dryRun: options.dryRun))
        default:
            throw KubeError(
                code: 405, reason: .methodNotAllowed,
                message: "the server does not allow this method on the requested resource")
        }
    }

    func rawBody(_ request: inout Request) async throws(KubeError) -> [UInt8] {
        do {
            return Array(buffer: try await request.collectBody(upTo: maximumBodyBytes))
        } catch {
            throw KubeError(
                code: 413, reason: .requestEntityTooLarge,
                message: "the request body is larger than \(maximumBodyBytes) bytes")
        }
    }

    func body(_ request: inout Request) async throws(KubeError) -> JSON {
        let raw = try await rawBody(&request)
        let contentType = request.headers[.contentType] ?? "application/json"
        if contentType.contains("yaml") {
            do { return try YAML.parseYAMLOrJSON(raw) } catch {
                throw KubeError(code: 400, reason: .badRequest, message: "the body is not valid YAML: \(error.message)")
            }
        }
        // kubectl's generators (`kubectl create namespace`, `kubectl run`, ...) send protobuf.
        if contentType.contains("application/vnd.kubernetes.protobuf") { return try ProtoDecoder.object(from: raw) }
        guard contentType.contains("json") else { throw Self.unsupportedBody(contentType) }
        return try Self.parse(raw)
    }

    /// A body in a format the server cannot read is a 415, as on kube-apiserver.
    static func unsupportedBody(_ contentType: String) -> KubeError {
        KubeError(
            code: 415, reason: .unsupportedMediaType,
            message: "the body of the request was in an unknown format (\(contentType.prefix(80))) - accepted media "
                + "types include: application/json, application/yaml, application/vnd.kubernetes.protobuf")
    }

    static func parse(_ raw: [UInt8]) throws(KubeError) -> JSON {
        do { return try JSON.parse(raw) } catch {
            throw KubeError(code: 400, reason: .badRequest, message: "the body is not valid JSON: \(error)")
        }
    }

    static func labelSelector(_ text: String) throws(KubeError) -> LabelSelector {
        do { return try LabelSelector(parsing: text) } catch {
            throw KubeError(code: 400, reason: .badRequest, message: "unable to parse requirement: \(error.message)")
        }
    }

    static func fieldSelector(_ text: String, resource storageKey: String) throws(KubeError) -> FieldSelector {
        let selector: FieldSelector
        do { selector = try FieldSelector(parsing: text) } catch {
            throw KubeError(code: 400, reason: .badRequest, message: error.message)
        }
        try FieldLabels.check(selector, resource: storageKey)
        return selector
    }

    /// `Authorization: Bearer <token>`, the scheme matched without regard to case (RFC 7235).
    static func bearerMatches(_ header: String?, token: String) -> Bool {
        bearerToken(header) == token
    }

    /// The token of an `Authorization: Bearer ...` header (the scheme in any case).
    static func bearerToken(_ header: String?) -> String? {
        guard let header, let space = header.firstIndex(of: " "), header[..<space].lowercased() == "bearer" else {
            return nil
        }
        return header[header.index(after: space)...].trimmingCharacters(in: .whitespaces)
    }

    /// The field manager a write gets when it names none: the client's User-Agent up to the first `/`.
    static let warningHeader = HTTPField.Name("Warning")!

    static func defaultManager(_ userAgent: String?) -> String {
        guard let userAgent, let first = userAgent.split(separator: "/").first, !first.isEmpty else { return "unknown" }
        return String(first.prefix(128))
    }

    static func json(_ value: JSON, status: HTTPResponse.Status = .ok) -> Response {
        bytes(value.serializedBytes(), status: status)
    }

    static func bytes(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func statusResponse(_ error: KubeError) -> Response {
        json(statusJSON(error), status: HTTPResponse.Status(code: error.code == 0 ? 500 : error.code))
    }

    /// A `Status` object as the real API server writes it.
    static func statusJSON(_ error: KubeError) -> JSON {
        var status: [String: JSON] = [
            "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
            "message": .string(error.message), "reason": .string(error.reason.rawValue),
            "code": .int(Int64(error.code)),
        ]
        if let details = error.details { status["details"] = details }
        return .object(status)
    }
}

import Foundation
import Kube
import Synchronization

/// Who is writing and how: the field manager recorded in managedFields, dry-run, what to do with unknown
/// fields, and where the warnings for the response go.
public struct WriteOptions: Sendable {
    public var fieldManager: String
    public var dryRun: Bool
    public var force: Bool
    public var fieldValidation: FieldValidation
    public let warnings = ResponseWarnings()

    public init(
        fieldManager: String = "unknown", dryRun: Bool = false, force: Bool = false,
        fieldValidation: FieldValidation = .warn
    ) {
        self.fieldManager = fieldManager
        self.dryRun = dryRun
        self.force = force
        self.fieldValidation = fieldValidation
    }
}

/// The `Warning` headers a request earns (`299 - "unknown field \"spec.foo\""`).
public final class ResponseWarnings: Sendable {
    private let texts = Mutex<[String]>([])

    public func add(_ text: String) { texts.withLock { $0.append(text) } }
    public var all: [String] { texts.withLock { $0 } }
}

extension ClusterStore {
    public func create(
        _ gvr: GroupVersionResource, namespace: String?, object input: KubeObject,
        options: WriteOptions = WriteOptions()
    ) throws(KubeError) -> KubeObject {
        try create(try resourceType(gvr), namespace: namespace, object: input, options: options, appliedFields: nil)
    }

    /// Creates an object; `appliedFields` is the managedFields of a server-side apply that creates it,
    /// otherwise the creator is recorded as an Update manager.
    func create(
        _ type: ResourceType, namespace: String?, object input: KubeObject, options: WriteOptions,
        appliedFields: [JSON]?
    ) throws(KubeError) -> KubeObject {
        var object = try admit(input, type: type, namespace: namespace)
        try FieldTypes.check(object, type: type)
        try dropUnknownFields(&object.json, type: type, options: options)
        if object.name.isEmpty, let prefix = object.generateName {
            object.name = uniqueGeneratedName(prefix: prefix, type: type, namespace: object.namespace)
        }
        try validateName(object.name, type: type)
        let key = key(type, object.namespace, object.name)
        if objects[type.storageKey]?[key] != nil {
            throw KubeError(
                code: 409, reason: .alreadyExists,
                message: "\(type.gvr.resource) \"\(object.name)\" already exists",
                details: Self.details(type, object.name))
        }
        try requireLiveNamespace(type, key.namespace)
        if let problem = try validateObject(object, type: type) {
            throw KubeError(
                code: 422, reason: .invalid, message: "\(type.kind) \"\(object.name)\" is invalid: \(problem)")
        }
        object.uid = ObjectUID.make()
        object.json[path: ["metadata", "creationTimestamp"]] = .string(KubeTime.now())
        object.json[path: ["metadata", "deletionTimestamp"]] = nil
        object.json[path: ["metadata", "generation"]] = type.tracksGeneration ? 1 : nil
        if type.hasStatus && type.storageKey != "namespaces"
            && type.storageKey != "customresourcedefinitions.apiextensions.k8s.io"
        {
            // A built-in kind's status is a struct, so kube-apiserver answers `status: {}`; a custom resource
            // has none until something writes it.
            object.status = ResourceType.builtinStorageKeys.contains(type.storageKey) ? .object([:]) : nil
        }
        if type.storageKey == "pods" { PodAdmission.admit(&object.json) }
        Defaults.apply(to: &object, resource: type.storageKey)
        if type.storageKey == "services" { try allocateServiceAddresses(&object, previous: nil) }
        if let appliedFields {
            object.managedFields = appliedFields
        } else {
            object.json = FieldOwnership.recordUpdate(
                manager: options.fieldManager, old: nil, new: object.json,
                subresource: nil)
        }
        if options.dryRun { return try checkedDryRun(object) }
        let stored = committed(key, object, try commit(key, object, event: .added)!, remember: false)
        afterWrite(type, stored)
        if type.storageKey == "namespaces" { populateNamespace(stored.name) }
        return stored
    }

    /// The object as committed: what was written, with the resourceVersion the commit gave it. The same as
    /// decoding the stored bytes again, which every write used to do two or three times.
    /// An updated object is remembered decoded for its next write (`RecentObjects`); a created one is not:
    /// objects are often created by the thousand and never written again, and an object written after its
    /// creation is remembered from that write on.
    func committed(_ key: ObjectKey, _ object: KubeObject, _ stored: StoredObject, remember: Bool = true) -> KubeObject
    {
        var result = object
        result.resourceVersion = String(stored.resourceVersion)
        if remember { recent.remember(key, result, resourceVersion: stored.resourceVersion) }
        return result
    }

    /// Replaces an object (PUT). `subresource: "status"` writes only status; the main resource ignores status.
    public func update(
        _ gvr: GroupVersionResource, namespace: String?, name: String, object input: KubeObject,
        subresource: String? = nil, options: WriteOptions = WriteOptions()
    ) throws(KubeError)
        -> KubeObject
    {
        let type = try resourceType(gvr)
        let key = key(type, namespace, name)
        guard let current = currentObject(key) else {
            throw Self.notFound(type, name)
        }
        try FieldTypes.check(input, type: type)
        if input.name != name && !input.name.isEmpty {
            throw KubeError(
                code: 400, reason: .badRequest,
                message: "the name of the object (\(input.name)) does not match the name on the URL (\(name))")
        }
        if let rv = input.resourceVersion, !rv.isEmpty, rv != current.resourceVersion {
            throw conflict(type, name)
        }
        var object = input
        object.apiVersion = type.apiVersion
        object.kind = type.kind
        return try store(
            type, key: key, current: current, proposed: object, subresource: subresource,
            options: options, managerOperation: .update)
    }

    enum ManagerOperation { case update, apply }

    /// The shared tail of update, patch and apply: split status, keep server-owned metadata, bump
    /// generation, record field ownership, finish deletion when the last finalizer goes, commit.
    func store(
        _ type: ResourceType, key: ObjectKey, current: KubeObject, proposed: KubeObject, subresource: String?,
        options: WriteOptions, managerOperation: ManagerOperation
    ) throws(KubeError) -> KubeObject {
        var object = proposed
        try dropUnknownFields(&object.json, type: type, options: options, stored: current.json)
        if subresource == "status" {
            var merged = current
            merged.status = proposed.status
            object = merged
        } else if type.hasStatus {
            object.status = current.status
        }
        for field in ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"] {
            object.json[path: ["metadata", field]] = current.json[path: ["metadata", field]]
        }
        object.json[path: ["metadata", "namespace"]] = current.json[path: ["metadata", "namespace"]]
        object.json[path: ["metadata", "name"]] = .string(current.name)
        if managerOperation == .update {
            object.managedFields = current.managedFields
            object.json = FieldOwnership.recordUpdate(
                manager: options.fieldManager, old: current.json,
                new: object.json, subresource: subresource)
        }
        Defaults.apply(to: &object, resource: type.storageKey)
        if type.storageKey == "services" && subresource == nil {
            try allocateServiceAddresses(&object, previous: current)
        }
        if let problem = try validateObject(object, type: type) {
            throw KubeError(
                code: 422, reason: .invalid, message: "\(type.kind) \"\(current.name)\" is invalid: \(problem)")
        }
        if subresource == nil && type.tracksGeneration && type.specChanged(current.json, object.json) {
            object.generation = current.generation + 1
        }
        object.resourceVersion = current.resourceVersion
        if object.json == current.json { return current }
        if options.dryRun { return try checkedDryRun(object) }
        if object.deletionTimestamp != nil && object.finalizers.isEmpty {
            try commit(key, nil, event: .deleted)
            afterDelete(type, key: key, object: object)
            return object
        }
        let stored = committed(key, object, try commit(key, object, event: .modified)!)
        afterWrite(type, stored)
        return stored
    }

    public func patch(
        _ gvr: GroupVersionResource, namespace: String?, name: String, type patchType: PatchType,
        body: [UInt8], subresource: String? = nil, options: WriteOptions = WriteOptions()
    )
        throws(KubeError) -> KubeObject
    {
        let type = try resourceType(gvr)
        let key = key(type, namespace, name)
        let patch: JSON
        do {
            patch = patchType == .apply ? try YAML.parseYAMLOrJSON(body) : try JSON.parse(body)
        } catch {
            throw KubeError(code: 400, reason: .badRequest, message: "the patch body cannot be decoded: \(error)")
        }
        try Self.checkPatchShape(patch, type: patchType)
        guard let current = currentObject(key) else {
            guard patchType == .apply else { throw Self.notFound(type, name) }
            return try createByApply(type, namespace: namespace, name: name, patch: patch, options: options)
        }
        var patched: JSON
        do {
            switch patchType {
            case .merge: patched = MergePatch.apply(patch, to: current.json)
            case .json: patched = try JSONPatch.apply(patch, to: current.json, maximumBytes: Self.maximumObjectBytes)
            case .strategicMerge: patched = try StrategicMergePatch.apply(patch, to: current.json)
            case .apply:
                try checkApplyBody(patch, type: type, name: name)
                var known = patch
                try dropUnknownFields(&known, type: type, options: options)
                patched = try FieldOwnership.apply(
                    known, manager: options.fieldManager, live: current.json,
                    force: options.force, subresource: subresource)
            }
        } catch let error as PatchError {
            throw KubeError(
                code: 422, reason: .invalid, message: "the patch cannot be applied: \(error.message)", details: [:])
        } catch let error as KubeError {
            throw error
        } catch {
            throw KubeError(code: 500, reason: .internalError, message: "\(error)")
        }
        try FieldTypes.check(KubeObject(patched), type: type)
        if let rv = patched["metadata"]?["resourceVersion"]?.stringValue, rv != current.resourceVersion {
            throw conflict(type, name)
        }
        var object = KubeObject(patched)
        object.apiVersion = type.apiVersion
        object.kind = type.kind
        return try store(
            type, key: key, current: current, proposed: object, subresource: subresource,
            options: options, managerOperation: patchType == .apply ? .apply : .update)
    }

    func createByApply(
        _ type: ResourceType, namespace: String?, name: String, patch: JSON, options: WriteOptions
    )
        throws(KubeError) -> KubeObject
    {
        try checkApplyBody(patch, type: type, name: name)
        var known = patch
        try dropUnknownFields(&known, type: type, options: options)
        var object = KubeObject(
            try FieldOwnership.apply(
                known, manager: options.fieldManager, live: nil, force: true,
                subresource: nil))
        object.json[path: ["metadata", "name"]] = .string(name)
        if type.namespaced { object.namespace = namespace }
        return try create(
            type, namespace: namespace, object: object, options: options,
            appliedFields: object.managedFields)
    }

    func checkApplyBody(_ patch: JSON, type: ResourceType, name: String) throws(KubeError) {
        guard patch["apiVersion"]?.stringValue != nil, patch["kind"]?.stringValue != nil else {
            throw KubeError(code: 400, reason: .badRequest, message: "apply patches must set apiVersion and kind")
        }
        if let bodyName = patch["metadata"]?["name"]?.stringValue, bodyName != name {
            throw KubeError(
                code: 400, reason: .badRequest,
                message: "the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
        }
    }

    func conflict(_ type: ResourceType, _ name: String) -> KubeError {
        KubeError(
            code: 409, reason: .conflict,
            message:
                "Operation cannot be fulfilled on \(type.storageKey) \"\(name)\": the object has been modified; please apply your changes to the latest version and try again",
            details: Self.details(type, name))
    }

    /// A free name for `generateName`: kube-apiserver retries a name that is taken; so does this store.
    func uniqueGeneratedName(prefix: String, type: ResourceType, namespace: String?) -> String {
        var name = prefix + Self.randomSuffix()
        for _ in 0..<16 where objects[type.storageKey]?[key(type, namespace, name)] != nil {
            name = prefix + Self.randomSuffix()
        }
        return name
    }

    static func randomSuffix() -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<5).map { _ in alphabet.randomElement()! })
    }
}

import Kube

/// Server-side apply and field ownership: which manager owns which fields (`metadata.managedFields`),
/// conflicts between managers, and removal of fields a manager stops applying.
enum FieldOwnership {
    struct Entry {
        var manager: String
        var operation: String
        var apiVersion: String
        var subresource: String?
        var fields: FieldSet {
            didSet { time = nil }
        }
        /// When the entry last changed; nil for an entry this write changes (it gets the write's time).
        var time: String?

        init(
            manager: String, operation: String, apiVersion: String, subresource: String?, fields: FieldSet,
            time: String? = nil
        ) {
            self.manager = manager
            self.operation = operation
            self.apiVersion = apiVersion
            self.subresource = subresource
            self.fields = fields
            self.time = time
        }

        init?(json: JSON) {
            guard let manager = json["manager"]?.stringValue else { return nil }
            self.init(
                manager: manager, operation: json["operation"]?.stringValue ?? "Update",
                apiVersion: json["apiVersion"]?.stringValue ?? "", subresource: json["subresource"]?.stringValue,
                fields: FieldSet(fieldsV1: json["fieldsV1"] ?? .object([:])), time: json["time"]?.stringValue)
        }

        func json(time now: String) -> JSON {
            var o: [String: JSON] = [
                "manager": .string(manager), "operation": .string(operation),
                "apiVersion": .string(apiVersion), "time": .string(time ?? now),
                "fieldsType": "FieldsV1", "fieldsV1": fields.fieldsV1,
            ]
            if let subresource { o["subresource"] = .string(subresource) }
            return .object(o)
        }
    }

    /// Applies `applied` for `manager` on top of `live` (nil when creating). Returns the merged object with
    /// updated managedFields, or throws 409 naming each conflicting field and its owner unless `force`.
    static func apply(
        _ applied: JSON, manager: String, live: JSON?, force: Bool, subresource: String?
    )
        throws(KubeError) -> JSON
    {
        var entries = (live.map(KubeObject.init)?.managedFields ?? []).compactMap(Entry.init(json:))
        let appliedFields = FieldSet(of: applied, includeStatus: subresource == "status")
        let liveObject = live ?? .object([:])
        var conflicts: [(manager: String, path: [String])] = []
        for entry in entries where !(entry.manager == manager && entry.operation == "Apply") {
            for path in entry.fields.paths.intersection(appliedFields.paths)
            where FieldSet.value(at: path, in: liveObject) != FieldSet.value(at: path, in: applied) {
                conflicts.append((entry.manager, path))
            }
        }
        if !conflicts.isEmpty && !force {
            throw conflictError(conflicts)
        }
        for (i, entry) in entries.enumerated() {
            let lost = conflicts.filter { $0.manager == entry.manager }.map(\.path)
            if !lost.isEmpty { entries[i].fields.paths.subtract(lost) }
        }
        let mineIndex = entries.firstIndex { $0.manager == manager && $0.operation == "Apply" }
        let previouslyApplied = mineIndex.map { entries[$0].fields.paths } ?? []
        let ownedByOthers = entries.enumerated().filter { $0.offset != mineIndex }
            .reduce(into: Set<[String]>()) { $0.formUnion($1.element.fields.paths) }
        var result = liveObject
        for path in previouslyApplied.subtracting(appliedFields.paths).subtracting(ownedByOthers)
            .sorted(by: { $0.count > $1.count })
        {
            result = FieldSet.remove(path, from: result)
        }
        var body = applied
        body["metadata"] = nil
        do {
            result = try StrategicMergePatch.apply(body, to: result)
            if let metadata = applied["metadata"]?.objectValue {
                var ownedMeta: [String: JSON] = [:]
                for key in FieldSet.ownedMetadata { if let v = metadata[key] { ownedMeta[key] = v } }
                result["metadata"] = try StrategicMergePatch.apply(.object(ownedMeta), to: result["metadata"] ?? [:])
            }
        } catch {
            throw KubeError(code: 422, reason: .invalid, message: "cannot apply: \(error.message)")
        }
        let apiVersion = applied["apiVersion"]?.stringValue ?? ""
        if let mineIndex {
            entries[mineIndex].fields = appliedFields
            entries[mineIndex].apiVersion = apiVersion
        } else {
            entries.append(
                Entry(
                    manager: manager, operation: "Apply", apiVersion: apiVersion,
                    subresource: subresource, fields: appliedFields))
        }
        result[path: ["metadata", "managedFields"]] = render(entries)
        return result
    }

    /// Records a non-apply write (create, update, patch) by `manager`: it takes ownership of every field it
    /// changed, which other managers lose; fields that disappeared are dropped from every manager. Entries
    /// this write leaves alone keep their time. A write that changes no field leaves managedFields as they were.
    static func recordUpdate(manager: String, old: JSON?, new: JSON, subresource: String?) -> JSON {
        let (changed, removed) = FieldSet.diff(old: old, new: new, includeStatus: subresource == "status")
        let previous = old?["metadata"]?["managedFields"]
        var result = new
        guard !changed.isEmpty || !removed.isEmpty else {
            result[path: ["metadata", "managedFields"]] = previous
            return result
        }
        if removed.isEmpty, let retimed = retimed(previous, manager: manager, subresource: subresource, changed) {
            result[path: ["metadata", "managedFields"]] = retimed
            return result
        }
        var entries = (previous?.arrayValue ?? []).compactMap(Entry.init(json:))
        let lost = changed.union(removed)
        for i in entries.indices where !entries[i].fields.paths.isDisjoint(with: lost) {
            entries[i].fields.paths.subtract(lost)
        }
        if !changed.isEmpty {
            if let i = entries.firstIndex(where: {
                $0.manager == manager && $0.operation == "Update" && $0.subresource == subresource
            }) {
                entries[i].fields.paths.formUnion(changed)
            } else {
                entries.append(
                    Entry(
                        manager: manager, operation: "Update",
                        apiVersion: new["apiVersion"]?.stringValue ?? "", subresource: subresource,
                        fields: FieldSet(changed)))
            }
        }
        result[path: ["metadata", "managedFields"]] = render(entries)
        return result
    }

    /// The managedFields of a write that changes only fields its manager's own Update entry already owns, and
    /// no other entry does: the same entries, that one's time moved to now (what the full computation gives,
    /// without parsing and rendering every entry's fields). Nil when ownership moves or an entry is unusual.
    static func retimed(_ previous: JSON?, manager: String, subresource: String?, _ changed: Set<[String]>) -> JSON? {
        guard var entries = previous?.arrayValue else { return nil }
        var own: Int?
        for (index, entry) in entries.enumerated() {
            guard let name = entry["manager"]?.stringValue, let fields = entry["fieldsV1"]?.objectValue,
                !fields.isEmpty
            else { return nil }
            let owns = { (path: [String]) in isLeaf(path, in: entry["fieldsV1"] ?? .null) }
            if own == nil, name == manager, (entry["operation"]?.stringValue ?? "Update") == "Update",
                entry["subresource"]?.stringValue == subresource
            {
                guard changed.allSatisfy(owns) else { return nil }
                own = index
            } else if changed.contains(where: owns) {
                return nil
            }
        }
        guard let own else { return nil }
        entries[own]["time"] = .string(KubeTime.now())
        return .array(entries)
    }

    /// Whether `path` is one of the leaf fields a `fieldsV1` object lists.
    static func isLeaf(_ path: [String], in fieldsV1: JSON) -> Bool {
        guard let node = fieldsV1[path: path] else { return false }
        if case .object(let members) = node { return members.isEmpty }
        return true
    }

    static func render(_ entries: [Entry]) -> JSON? {
        let kept = entries.filter { !$0.fields.paths.isEmpty }
        let now = KubeTime.now()
        return kept.isEmpty ? nil : .array(kept.map { $0.json(time: now) })
    }

    static func conflictError(_ conflicts: [(manager: String, path: [String])]) -> KubeError {
        let causes: [JSON] = conflicts.map {
            [
                "reason": "FieldManagerConflict", "message": .string("conflict with \"\($0.manager)\""),
                "field": .string(readable($0.path)),
            ]
        }
        let list = conflicts.map { "conflict with \"\($0.manager)\": \(readable($0.path))" }.joined(separator: "\n- ")
        return KubeError(
            code: 409, reason: .conflict,
            message: "Apply failed with \(conflicts.count) conflict\(conflicts.count == 1 ? "" : "s"): \(list)",
            details: ["causes": .array(causes)])
    }

    /// `["f:spec","f:replicas"]` → `.spec.replicas`.
    static func readable(_ path: [String]) -> String {
        path.map { step in
            step.hasPrefix("f:") ? "." + step.dropFirst(2) : step.hasPrefix("k:") ? "[" + step.dropFirst(2) + "]" : ""
        }.joined()
    }
}

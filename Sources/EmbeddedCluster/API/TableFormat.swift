import Foundation
import Kube

/// Server-side printing: the `meta.k8s.io/v1` Table that `kubectl get` asks for with
/// `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`. Each row carries its cells and, as `includeObject`
/// asks (default `Metadata`), the object's metadata as a `PartialObjectMetadata`, the whole object, or nothing.
enum TableFormat {
    /// True when the Accept header asks for a Table (kubectl lists JSON last, as the fallback).
    static func wanted(_ accept: String?) -> Bool {
        guard let accept else { return false }
        return accept.split(separator: ",").first.map { $0.contains("as=Table") && $0.contains("g=meta.k8s.io") }
            ?? false
    }

    static func columns(for type: ResourceType) -> [TableColumn] {
        if let printerColumns = type.printerColumns { return PrinterColumns.columns(printerColumns) }
        return BuiltinColumns.columns(for: type.storageKey)
    }

    /// A Table of `objects`; `listMetadata` is the list's (resourceVersion, continue).
    static func table(
        _ objects: [KubeObject], type: ResourceType, listMetadata: JSON, includeObject: String?, now: Date = Date()
    ) -> JSON {
        let columns = columns(for: type)
        let rows = objects.map { object -> JSON in
            var row: [String: JSON] = ["cells": .array(columns.map { $0.cell(object, now) })]
            switch includeObject {
            case "None": row["object"] = .null
            case "Object": row["object"] = object.json
            default:
                let metadata = object.json["metadata"] ?? [:]
                row["object"] = ["kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": metadata]
            }
            return .object(row)
        }
        return [
            "kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": listMetadata,
            "columnDefinitions": .array(columns.map(\.definition)), "rows": .array(rows),
        ]
    }
}

extension APIResponder {
    /// For a watch that asks for Tables: each event's object becomes a one-row Table.
    func tableLines(
        _ gvr: GroupVersionResource, accept: String?, includeObject: String?
    ) async
        -> (@Sendable ([UInt8]) -> [UInt8])?
    {
        guard TableFormat.wanted(accept), let type = await store.catalog.type(gvr) else { return nil }
        return { line in
            guard var event = try? JSON.parse(line), let object = event["object"],  // not an event: sent as it is
                event["type"]?.stringValue != "ERROR" && event["type"]?.stringValue != "BOOKMARK"
            else { return line }
            event["object"] = TableFormat.table(
                [KubeObject(object)], type: type,
                listMetadata: ["resourceVersion": object[path: ["metadata", "resourceVersion"]] ?? ""],
                includeObject: includeObject)
            return event.serializedBytes() + [0x0A]
        }
    }
}

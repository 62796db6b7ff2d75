import Foundation

/// Argo CD sync options (`syncPolicy.syncOptions` on the Application and the `argocd.argoproj.io/sync-options`
/// annotation on a resource, comma separated). A resource's own setting wins over the Application's.
public struct SyncOptions: Sendable, Equatable {
    public var values: [String: String]

    public init(_ list: [String]) {
        var values: [String: String] = [:]
        for item in list {
            let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard let name = parts.first, !name.isEmpty else { continue }
            values[name] = parts.count > 1 ? parts[1] : "true"
        }
        self.values = values
    }

    /// Reads the comma separated annotation form.
    public init(annotation: String?) {
        self.init(annotation?.split(separator: ",").map(String.init) ?? [])
    }

    public func flag(_ name: String) -> Bool? {
        values[name].map { $0.lowercased() == "true" }
    }

    /// This set's value, else `fallback`'s.
    public func overriding(_ fallback: SyncOptions) -> SyncOptions {
        var merged = fallback
        merged.values.merge(values) { _, own in own }
        return merged
    }

    public var prune: Bool { flag("Prune") ?? true }
    public var pruneLast: Bool { flag("PruneLast") ?? false }
    public var replace: Bool { flag("Replace") ?? false }
    public var serverSideApply: Bool { flag("ServerSideApply") ?? true }
    public var createNamespace: Bool { flag("CreateNamespace") ?? false }
    public var applyOutOfSyncOnly: Bool { flag("ApplyOutOfSyncOnly") ?? false }
    public var validate: Bool { flag("Validate") ?? true }
    public var respectIgnoreDifferences: Bool { flag("RespectIgnoreDifferences") ?? false }
    /// `Prune=confirm` and `Delete=false` style values other than true/false.
    public func raw(_ name: String) -> String? { values[name] }
}

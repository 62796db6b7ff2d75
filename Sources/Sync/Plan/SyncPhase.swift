import Foundation
import Kube

/// The phases of a sync, in order; SyncFail runs only when another phase failed.
public enum SyncPhase: String, Sendable, CaseIterable, Comparable {
    case preSync = "PreSync"
    case sync = "Sync"
    case postSync = "PostSync"
    case syncFail = "SyncFail"

    public static func < (a: SyncPhase, b: SyncPhase) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// The resource annotations that steer a sync, read from a desired object.
public struct SyncAnnotations: Sendable, Equatable {
    public static let hook = "argocd.argoproj.io/hook"
    public static let hookDeletePolicy = "argocd.argoproj.io/hook-delete-policy"
    public static let syncWave = "argocd.argoproj.io/sync-wave"
    public static let syncOptions = "argocd.argoproj.io/sync-options"
    public static let compareOptions = "argocd.argoproj.io/compare-options"

    /// The hook phases (empty for an ordinary resource).
    public var hookPhases: [SyncPhase]
    /// `hook: Skip`: never applied.
    public var skip: Bool
    /// `hook: PostDelete`: run only after the Application is deleted (see `finalizeDeletion`).
    public var postDelete = false
    public var deletePolicies: Set<String>
    public var wave: Int
    public var options: SyncOptions
    /// Annotation values that mean nothing (an unknown hook, a wave that is not an integer): the
    /// Application gets a ComparisonError naming them rather than a guess.
    public var problems: [String] = []

    public init(_ object: KubeObject) {
        let annotations = object.annotations
        var phases: [SyncPhase] = []
        var skip = false
        for name in (annotations[Self.hook] ?? "").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }
        ) {
            if name == "Skip" {
                skip = true
            } else if name == "PostDelete" {
                postDelete = true
            } else if let phase = SyncPhase(rawValue: name) {
                phases.append(phase)
            } else if !name.isEmpty {
                problems.append(
                    "unknown \(Self.hook) '\(name)' (PreSync, Sync, PostSync, SyncFail, PostDelete or Skip)")
            }
        }
        if phases.isEmpty, let helm = annotations["helm.sh/hook"] {  // Helm hooks, mapped as Argo CD maps them
            for name in helm.split(separator: ",") {
                switch name.trimmingCharacters(in: .whitespaces) {
                case "pre-install", "pre-upgrade": phases.append(.preSync)
                case "post-install", "post-upgrade": phases.append(.postSync)
                default: continue
                }
            }
        }
        hookPhases = phases
        self.skip = skip
        var policies = Set(
            (annotations[Self.hookDeletePolicy] ?? "").split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces)
            })
        if policies.isEmpty { policies = ["BeforeHookCreation"] }  // Argo CD's default for hooks
        deletePolicies = policies
        let waveText = annotations[Self.syncWave]?.trimmingCharacters(in: .whitespaces) ?? ""
        wave = Int(waveText) ?? 0
        if !waveText.isEmpty && Int(waveText) == nil {
            problems.append("\(Self.syncWave) '\(waveText)' is not an integer")
        }
        options = SyncOptions(annotation: annotations[Self.syncOptions])
    }

    public var isHook: Bool { !hookPhases.isEmpty || postDelete }
}

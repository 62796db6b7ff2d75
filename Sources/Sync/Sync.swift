/// The sync-and-health reconciler: Applications rendered from Git, diffed against the cluster, applied in
/// phases and waves, pruned, self-healed, with health and history. See the README for the supported subset.
public enum SyncModule {
    /// The field manager Capstan applies with.
    public static let fieldManager = "capstan"
}

import Foundation
import GRDB
import Kube

/// The durable copy of the store in SQLite: one row per object and the resourceVersion counter.
/// Every write is one transaction in WAL mode, committed before the API answers.
///
/// One process owns the file (`locking_mode = EXCLUSIVE`): a second server on the same data directory is
/// refused at start instead of keeping a second, diverging copy of the objects in memory. Holding the lock
/// also spares each commit its file-lock calls.
///
/// The resourceVersion sequence is the larger of the highest object `rv` and the `meta` row, which is only
/// written when a commit leaves no row at the new resourceVersion (a delete). A create or update then writes
/// two pages (the row and its key's index entry) rather than four.
struct Persistence: Sendable {
    let queue: DatabaseQueue

    /// Opens (or creates) the database at `path`; one in use by another process is an error that says so.
    init(path: String) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            if db.configuration.readonly == false {
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
                // Set before the first access, so WAL keeps its index in memory and makes no -shm file.
                try db.execute(sql: "PRAGMA locking_mode = EXCLUSIVE")
            }
        }
        try PrivateFiles.prepare(path)
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = WAL") }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
            throw ConfigError(
                "the store \(path) is in use by another process (one embedded cluster per data directory)")
        }
        for sidecar in [path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: sidecar) {
            try PrivateFiles.restrict(sidecar)
        }
        try queue.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS objects (
                        resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
                        rv INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (resource, namespace, name));
                    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
                    """)
        }
    }

    /// Closes the database and gives up its lock, so another server may open the file.
    func close() throws {
        try queue.close()
    }

    /// Every stored object and the last resourceVersion handed out.
    func load() throws -> (objects: [(ObjectKey, [UInt8], Int64)], resourceVersion: Int64) {
        try queue.read { db in
            var objects: [(ObjectKey, [UInt8], Int64)] = []
            var highest: Int64 = 0
            let rows = try Row.fetchCursor(db, sql: "SELECT resource, namespace, name, rv, data FROM objects")
            while let row = try rows.next() {
                let data: Data = row["data"]
                objects.append(
                    (
                        ObjectKey(resource: row["resource"], namespace: row["namespace"], name: row["name"]),
                        Array(data), row["rv"]
                    ))
                highest = max(highest, row["rv"])
            }
            let counter = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'resourceVersion'") ?? 0
            return (objects, max(highest, counter))
        }
    }

    /// Writes a batch of changes (`nil` bytes delete) and, when no written row carries it, the new
    /// resourceVersion, in one transaction. The statements are compiled once per connection and reused.
    func commit(_ changes: [(ObjectKey, [UInt8]?, Int64)], resourceVersion: Int64) throws {
        try queue.write { db in
            for (key, bytes, rv) in changes {
                if let bytes {
                    try db.cachedStatement(
                        sql:
                            "INSERT OR REPLACE INTO objects (resource, namespace, name, rv, data) VALUES (?, ?, ?, ?, ?)"
                    ).execute(arguments: [key.resource, key.namespace, key.name, rv, Data(bytes)])
                } else {
                    try db.cachedStatement(
                        sql: "DELETE FROM objects WHERE resource = ? AND namespace = ? AND name = ?"
                    ).execute(arguments: [key.resource, key.namespace, key.name])
                }
            }
            if !changes.contains(where: { $0.1 != nil && $0.2 == resourceVersion }) {
                try db.cachedStatement(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('resourceVersion', ?)")
                    .execute(arguments: [resourceVersion])
            }
        }
    }
}

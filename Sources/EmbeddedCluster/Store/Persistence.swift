import Foundation
import GRDB

/// The durable copy of the store in SQLite: one row per object and the resourceVersion counter.
/// Every write is one transaction in WAL mode, committed before the API answers.
struct Persistence: Sendable {
    let queue: DatabaseQueue

    /// Opens (or creates) the database at `path`.
    init(path: String) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            if db.configuration.readonly == false {
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
        }
        try PrivateFiles.prepare(path)
        queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = WAL") }
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

    /// Every stored object and the last resourceVersion handed out.
    func load() throws -> (objects: [(ObjectKey, [UInt8], Int64)], resourceVersion: Int64) {
        try queue.read { db in
            var objects: [(ObjectKey, [UInt8], Int64)] = []
            let rows = try Row.fetchCursor(db, sql: "SELECT resource, namespace, name, rv, data FROM objects")
            while let row = try rows.next() {
                let data: Data = row["data"]
                objects.append(
                    (
                        ObjectKey(resource: row["resource"], namespace: row["namespace"], name: row["name"]),
                        Array(data), row["rv"]
                    ))
            }
            let rv = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'resourceVersion'") ?? 0
            return (objects, rv)
        }
    }

    /// Writes a batch of changes (`nil` bytes delete) and the new resourceVersion in one transaction. The
    /// statements are compiled once per connection and reused.
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
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('resourceVersion', ?)")
                .execute(arguments: [resourceVersion])
        }
    }
}

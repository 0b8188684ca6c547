// Schema migrations: an ordered list, each applied in the same transaction as its record
// in `schema_migration`. A shipped migration is never edited; a change is a new entry.
// The tables are a public interface (docs/schema.md): analysts query them directly.

import OutflowCore

/// The ordered schema migrations of the Outflow database.
public enum Migrations {
    /// One schema change.
    public struct Migration: Sendable {
        public let version: Int
        public let name: String
        public let sql: String
    }

    /// All migrations, oldest first.
    public static let all: [Migration] = [
        Migration(version: 1, name: "staging and registry", sql: Schema.v1),
        Migration(version: 2, name: "marts and run log", sql: Schema.v2),
        Migration(version: 3, name: "answers packed per response", sql: Schema.v3),
        Migration(version: 4, name: "inbox digests", sql: Schema.v4),
        Migration(version: 5, name: "run output folders", sql: Schema.v5),
        Migration(version: 6, name: "population source", sql: Schema.v6),
        Migration(version: 7, name: "delivered columns, refused names, retries", sql: Schema.v7),
        Migration(version: 8, name: "marts per run and cut-off", sql: Schema.v8),
    ]

    /// Applies every migration the database has not recorded yet.
    public static func apply(to db: Database) throws {
        try db.execute("""
            CREATE TABLE IF NOT EXISTS schema_migration (
                version    INTEGER PRIMARY KEY,
                name       TEXT NOT NULL,
                applied_at TEXT NOT NULL
            )
            """)
        let applied = Set(try db.query("SELECT version FROM schema_migration") { $0.int(0) })
        for migration in all where !applied.contains(migration.version) {
            try db.transaction {
                try db.execute(migration.sql)
                try db.run("INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, ?)",
                           [.int(migration.version), .text(migration.name), .text(Clock.timestamp())])
            }
        }
    }
}

/**
 * @module lib/sql-migrations — append-only migrations for a Durable Object's SQLite.
 */

/**
 * Applies, in order and once each, the statements of `migrations` this database has not
 * seen yet (version = position + 1). Run it at start-up inside `blockConcurrencyWhile`.
 * @example applyMigrations(ctx.storage.sql, ["CREATE TABLE job (…)", "CREATE TABLE …"])
 */
export function applyMigrations(sql: SqlStorage, migrations: readonly string[]): void {
  sql.exec("CREATE TABLE IF NOT EXISTS _migrations (version INTEGER PRIMARY KEY)");
  const applied = sql.exec<{ version: number | null }>("SELECT MAX(version) AS version FROM _migrations").one().version ?? 0;
  migrations.forEach((statement, index) => {
    const version = index + 1;
    if (version <= applied) return;
    sql.exec(statement);
    sql.exec("INSERT INTO _migrations (version) VALUES (?)", version);
  });
}

/**
 * @module webhooks/delivery-store — the job's webhook outbox, in its own SQLite.
 *
 * One row per event (its id is the `webhook-id`, the same on every retry) and one row per
 * attempt. `next_at` of pending rows feeds the job's single alarm.
 */

export type DeliveryState = "pending" | "delivered" | "gone" | "given_up" | "superseded";

export type DeliveryRow = {
  id: string;
  type: string;
  payload: string;
  created_at: number;
  state: DeliveryState;
  attempts_in_round: number;
  next_at: number | null;
};

export type DeliveryAttemptRow = {
  at: number;
  status: number | null;
  outcome: string;
  error: string | null;
  duration_ms: number;
};

export class DeliveryStore {
  constructor(private readonly sql: SqlStorage) {}

  enqueue(id: string, type: string, payload: string, now: number): void {
    this.sql.exec("INSERT INTO deliveries (id, type, payload, created_at, state, attempts_in_round, next_at) VALUES (?, ?, ?, ?, 'pending', 0, ?)", id, type, payload, now, now);
  }

  /** Ends every pending delivery unsent (a terminal event replaces them). */
  supersedePending(): void {
    this.sql.exec("UPDATE deliveries SET state = 'superseded', next_at = NULL WHERE state = 'pending'");
  }

  /** Pending deliveries due at `now`, oldest first. */
  due(now: number): DeliveryRow[] {
    return this.sql.exec<DeliveryRow>("SELECT * FROM deliveries WHERE state = 'pending' AND next_at <= ? ORDER BY created_at, id", now).toArray();
  }

  /** When the next pending delivery is due, or null. */
  nextAt(): number | null {
    return this.sql.exec<{ next: number | null }>("SELECT MIN(next_at) AS next FROM deliveries WHERE state = 'pending'").one().next;
  }

  recordAttempt(id: string, attempt: DeliveryAttemptRow, state: DeliveryState, nextAt: number | null): void {
    this.sql.exec(
      "INSERT INTO delivery_attempts (delivery_id, at, status, outcome, error, duration_ms) VALUES (?, ?, ?, ?, ?, ?)",
      id,
      attempt.at,
      attempt.status,
      attempt.outcome,
      attempt.error,
      attempt.duration_ms,
    );
    this.sql.exec("UPDATE deliveries SET state = ?, attempts_in_round = attempts_in_round + 1, next_at = ? WHERE id = ?", state, nextAt, id);
  }

  /** Every delivery with its attempts, oldest first. */
  list(): Array<DeliveryRow & { attempts: DeliveryAttemptRow[] }> {
    const rows = this.sql.exec<DeliveryRow>("SELECT * FROM deliveries ORDER BY created_at, id").toArray();
    return rows.map((row) => ({
      ...row,
      attempts: this.sql.exec<DeliveryAttemptRow>("SELECT at, status, outcome, error, duration_ms FROM delivery_attempts WHERE delivery_id = ? ORDER BY at", row.id).toArray(),
    }));
  }

  /** Sends the latest event again: same id, a fresh round of attempts, due now. */
  replayLatest(now: number): DeliveryRow | null {
    const latest = this.sql.exec<DeliveryRow>("SELECT * FROM deliveries ORDER BY created_at DESC, id DESC LIMIT 1").toArray()[0];
    if (!latest) return null;
    this.sql.exec("UPDATE deliveries SET state = 'pending', attempts_in_round = 0, next_at = ? WHERE id = ?", now, latest.id);
    return { ...latest, state: "pending", attempts_in_round: 0, next_at: now };
  }
}

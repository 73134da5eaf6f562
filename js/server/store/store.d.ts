// The store interface: what the service (outbound.js, journal.js, http.js, dashboard.js, admin.js,
// index.js, cluster.js) calls on its store. Two implementations: sqlite.js (SqliteStore, embedded,
// one node) and postgres.js (PgStore, several nodes on one database, SPEC 12).
//
// Sync or async. better-sqlite3 answers synchronously, pg only asynchronously. Rather than make the
// SQLite path pay a promise per call (and change its timing), every method below returns either a
// value or a promise of it (MaybePromise), and every caller handles both (`await`, or `when()` in
// outbound.js where a sync store must stay sync). Three methods must answer synchronously in both:
// they are called from inside an engine step (js/server/outbound.js #apply), which cannot wait:
// rangeOf, deploymentById and uploadDir. PgStore answers them from memory: the call ranges of live
// calls (pruned at checkpoints, so memory follows the live calls) and the deployments (few).

export type MaybePromise<T> = T | Promise<T>;

export interface AccountRow { id: number; email: string; key_hash: string; secret: string }
export interface DeploymentRow {
  id: number; account_id: number; app: string; name: string; deleted_at: number | null; canceled: number;
  /** SPEC 14 policy: weight (null: 1), calling_hours as JSON text (null: none); the CLI bumps policy_version, the service journals it and commits policy_applied. */
  weight: number | null; calling_hours: string | null; policy_version: number; policy_applied: number;
}
export interface SuppressionRow { phone_number: string; created_at: number }
export interface ResultRow { call_id: number; deployment_id: number; status: string; finished_at: number; payload: string }
export interface DeliveryRow {
  call_id: number; account_id: number; url: string; webhook_id: string; state: string; tries: number; next_at: number | null;
}
export interface CheckpointRow { seq: number; snapshot: string; inflight: string }

/** One group commit (js/server/journal.js): everything in it is written in one transaction. */
export interface Batch {
  log: { seq: number; op: string }[];
  ranges: { first: number; last: number; deploymentId: number }[];
  results: { callId: number; deploymentId: number; status: string; finishedAt: number; payload: string }[];
  deliveries: { callId: number; accountId: number; url: string; webhookId: string; nextAt: number }[];
  deliveryUpdates: { callId: number; state: string; tries: number; nextAt: number | null }[];
  tries: { callId: number; try: number; at: number; status: number | null; error: string | null }[];
  meta: [string, string][];
  /** PgStore only: answers to requests another node took (js/server/cluster.js inbox). */
  answers?: { id: number; answer: string; seq: number }[];
  /** Suppressions added (on) or removed, with the journal entry that changed the engine's list. */
  suppressions?: { accountId: number; phoneNumber: string; on: boolean; at: number }[];
  /** Deployments whose policy_version is journaled in this batch. */
  policies?: { id: number; version: number }[];
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** SqliteStore: the data directory (one service per directory, locked by index.js). */
  readonly dir?: string;
  open(): MaybePromise<this>;
  close(): MaybePromise<void>;
  /** Local directory for spooled bulk uploads (synchronous). */
  uploadDir(): string;

  getMeta(key: string): MaybePromise<string | null>;
  setMeta(key: string, value: string): MaybePromise<void>;

  /**
   * The group commit; throws/rejects when the batch was not written (PgStore: also when this node is no longer the leader).
   * `sync` (SqliteStore): on the calling thread, done when it returns, not on the writer thread (the journal asks it for the
   * batch before a due checkpoint, which needs nothing in flight); PgStore ignores it.
   */
  commit(batch: Batch, sync?: boolean): MaybePromise<void>;

  loadCheckpoint(): MaybePromise<CheckpointRow | null>;
  /** Log entries after `seq` in order: a sync iterable (SQLite) or an async one (PostgreSQL). */
  logAfter(seq: number): Iterable<{ seq: number; op: string }> | AsyncIterable<{ seq: number; op: string }>;
  maxLogSeq(): MaybePromise<number>;
  /** Snapshot as of `seq` and drop the log up to it (PgStore: only while leader). */
  writeCheckpoint(seq: number, snapshot: string, inflight: string): MaybePromise<void>;

  /** Synchronous: the committed (or being committed) range {first, last, deploymentId} holding the call. */
  rangeOf(callId: number): { first: number; last: number; deploymentId: number } | null;
  result(callId: number): MaybePromise<ResultRow | null>;
  delivery(callId: number): MaybePromise<(DeliveryRow & { tries: { try: number; at: number; status: number | null; error: string | null }[] }) | null>;
  pendingDeliveries(): MaybePromise<Omit<DeliveryRow, 'state'>[]>;
  finalCounts(): MaybePromise<{ deployment_id: number; status: string; n: number }[]>;
  latestResults(accountId: number, limit: number): MaybePromise<Pick<ResultRow, 'call_id' | 'deployment_id' | 'status' | 'finished_at'>[]>;

  account(email: string): MaybePromise<AccountRow | null>;
  accountById(id: number): MaybePromise<AccountRow | null>;
  addAccount(email: string, keyHash: string, secret: string, now: number): MaybePromise<number>;
  deployment(app: string, name: string): MaybePromise<DeploymentRow | null>;
  /** Synchronous (see above). */
  deploymentById(id: number): DeploymentRow | null;
  addDeployment(accountId: number, app: string, name: string, now: number, policy?: { weight?: number | null; callingHours?: string | null }): MaybePromise<number>;
  /** Replaces the deployment's weight and calling hours and bumps its policy_version; false when it is unknown or deleted. */
  setDeploymentPolicy(id: number, policy: { weight: number | null; callingHours: string | null }): MaybePromise<boolean>;
  /** Live deployments with policy_version > policy_applied. */
  policyPending(): MaybePromise<DeploymentRow[]>;
  suppression(accountId: number, phoneNumber: string): MaybePromise<SuppressionRow | null>;
  /** The account's suppressed numbers after `after` in ascending E.164 order, at most `limit`. */
  suppressions(accountId: number, after: string, limit: number): MaybePromise<SuppressionRow[]>;
  deleteDeployment(id: number, now: number): MaybePromise<boolean>;
  deletedUncanceled(): MaybePromise<DeploymentRow[]>;
  markCanceled(id: number): MaybePromise<void>;
  deployments(): MaybePromise<DeploymentRow[]>;
}

/** What PgStore adds for several nodes (js/server/cluster.js). */
export interface SharedStore extends Store {
  /** Copies a spooled upload into the database (before its journal entry: any node may replay it). */
  saveUpload(file: string): Promise<void>;
  /** Writes the upload `name` into uploadDir() from the database when it is not there. */
  fetchUpload(name: string): Promise<void>;
  /** Drops the ranges none of whose calls the engine still holds (after a compact). */
  pruneRanges(isLive: (callId: number) => boolean): void;
  /** Ranges seen in the log by a node that does not commit (a follower). */
  noteRanges(ranges: Batch['ranges']): void;
}

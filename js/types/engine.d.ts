import type { Problem } from './common';
import type { CsvResult, CsvUploadParams } from './csv';
import type { QueueParams } from './validation';

export type CallStatus = 'queued' | 'dialing' | 'connected' | 'completed' | 'failed' | 'canceled';
export type CallEventName =
  | 'queued'
  | 'dialing'
  | 'connected'
  | 'disconnected'
  | 'busy'
  | 'noanswer'
  | 'informationtone'
  | 'canceled'
  | 'rejected';
/** What a carrier reports to Engine#report (`rejected` with its reason). */
export type ReportedEvent = 'connected' | 'disconnected' | 'busy' | 'noanswer' | 'informationtone' | 'rejected';

export interface CallEventRecord {
  event: CallEventName;
  /** Unix seconds. */
  timestamp: number;
  /** rejected only: the carrier's answer, e.g. "503 Service Unavailable". */
  reason?: string;
}

/** The result payload (`call_details`, SPEC 5), as the platform's result callback posts it. */
export interface CallDetails {
  max_attempts: string;
  /** Number of dialing events. */
  attempts: string;
  events: CallEventRecord[];
  /** The destination as given, in single quotes: `'6173720293'`. */
  phone_number: string;
  status: CallStatus;
  queued_timestamp: string;
  /** When the call connected ('' if it never did). */
  start_timestamp: string;
  /** When it disconnected ('' if it never did). */
  end_timestamp: string;
  reattempt_wait: string;
  /** Seconds connected (0 if never, or not yet disconnected). */
  duration: number;
  call_id?: string;
  metadata?: Record<string, unknown>;
}

export interface EngineOptions {
  /** Concurrent outbound lines across all deployments (0 pauses dialing). */
  capacity: number;
  /** Seconds of ringing before the engine raises noanswer and hangs up; default 45. */
  ringTimeout?: number;
}

export interface DialAction {
  type: 'dial';
  callId: string;
  deployment: string;
  /** The destination as given (trimmed). */
  phoneNumber: string;
  /** Canonical `tel:` URI with ani/postd. */
  uri: string;
  e164: string;
  ani: string | null;
  postd: string | null;
  /** 1 for the first attempt. */
  attempt: number;
  timestamp: number;
}

export interface HangupAction {
  type: 'hangup';
  callId: string;
  /** Why the engine hangs up: `noanswer` after ringTimeout seconds of ringing. */
  reason: 'noanswer';
  timestamp: number;
}

export interface ResultAction {
  type: 'result';
  callId: string;
  status: 'completed' | 'failed' | 'canceled';
  resultUrl: string | null;
  /** The call_details JSON text to POST to resultUrl. */
  payload: string;
}

export type EngineAction = DialAction | HangupAction | ResultAction;

export type EnqueueResult =
  | { ok: true; callId: string; errors: Problem[]; warnings: Problem[] }
  | { ok: false; errors: Problem[]; warnings: Problem[] };

export interface EngineCounts {
  /** Dialing + connected. */
  inFlight: number;
  /** Status queued and eligible to dial now. */
  queued: number;
  /** Status queued, waiting for the window start or a re-attempt. */
  waiting: number;
  dialing: number;
  connected: number;
  completed: number;
  failed: number;
  canceled: number;
}

export interface EngineStats extends EngineCounts {
  capacity: number;
  /** Calls ever queued. */
  calls: number;
  deployments: number;
  /**
   * The engine's own estimate of the bytes it holds (its containers' capacities, blocks and text
   * arena). Depends on the build and on history (a restored engine holds only what it needs).
   */
  memoryBytes: number;
  /** With { perDeployment: true }: one entry per deployment, in creation order. */
  byDeployment?: (EngineCounts & { name: string })[];
}

/** enqueueCsv's options: validateCsv's, without now (an argument) and includeRequests. */
export interface EnqueueCsvOptions {
  /** Sensitive data in cells (card numbers, SSNs, sensitive column names) is an error, not a warning. */
  strict?: boolean;
  /** More data rows than this is csv_too_many_rows and nothing is queued. Default 1,000,000. */
  maxRows?: number;
  /** Queue the valid rows even when other rows have errors (a file-level error still queues nothing). */
  partial?: boolean;
  /** List at most this many problems; `counts` stays exact and `truncated` says so. Default 1,000. */
  maxProblems?: number;
  /** The upload's size in bytes, when known: sizes the duplicate table once. Memory only. */
  sizeHint?: number;
  /**
   * For a file already validated (validateCsv or createCsvValidator said ok, with the same
   * params, options and time): rows are queued as they are read and none are held, so memory is
   * the validator's plus the engine's. Were the file refused after all, the rows queued until then
   * stay queued (`queued`, `firstCallId` and `callIds` say which).
   */
  queueAsRead?: boolean;
}

/** validateCsv's result for the upload, and the ids of the calls it queued. */
export interface EnqueueCsvResult extends Omit<CsvResult, 'requests'> {
  /** The first queued row's call id, or null when nothing was queued. */
  firstCallId: string | null;
  /** The last queued row's call id, or null when nothing was queued. */
  lastCallId: string | null;
  /** Every queued row's call id, in row order (consecutive numbers). */
  callIds: string[];
}

/** An engine error (report, advance, cancelDeployment, setCapacity, restore, options). */
export interface EngineError extends Error {
  /** unknown_call, unknown_event, invalid_transition, invalid_reason, invalid_time, invalid_option, invalid_snapshot. */
  code: string;
  field: string;
}

/**
 * The queue engine: per-deployment FIFO queues sharing `capacity` lines fairly, windows,
 * re-attempts and ring timeouts. A deterministic state machine: pass the time in, carry out the
 * actions that come back, call advance() at nextWakeup() and after reports.
 */
export class Engine {
  constructor(options: EngineOptions);
  /** An engine that behaves exactly as the one that wrote `snapshot`. Throws code invalid_snapshot. */
  static restore(snapshot: string): Engine;
  /** Validates params (as validateQueueRequest) and queues the call; problems come back as values. */
  enqueue(deployment: string, params: QueueParams, now?: number, options?: { strict?: boolean }): EnqueueResult;
  /**
   * Validates a bulk_queue upload (as validateCsv, in bounded pieces) and queues its rows in
   * `deployment` at `now`: every row or none (with `partial`: the valid rows), dialing in row order,
   * sharing `params` (stored once). Problems come back as values, as validateCsv's.
   */
  enqueueCsv(
    deployment: string,
    csv: string | Uint8Array | ArrayBuffer,
    params?: CsvUploadParams,
    now?: number,
    options?: EnqueueCsvOptions,
  ): EnqueueCsvResult;
  /** Processes everything due at or before `now` (in time order), then dials while lines are free. */
  advance(now?: number): EngineAction[];
  /**
   * Applies a carrier outcome, then does what advance(now) does. Throws (code) on invalid input,
   * changing nothing. `reason` is required with 'rejected' (the carrier's answer, at most 256 bytes,
   * one line, e.g. "503 Service Unavailable") and refused with the other events (invalid_reason).
   */
  report(callId: string, event: ReportedEvent, now?: number, reason?: string): EngineAction[];
  /** Cancels the deployment's queued and waiting calls (dialing/connected ones continue). */
  cancelDeployment(deployment: string, now?: number): EngineAction[];
  /** The call's details as of now, or null for an unknown id. */
  get(callId: string): CallDetails | null;
  stats(options?: { perDeployment?: boolean }): EngineStats;
  /** When to call advance() next: the engine's time when a line is free and a call eligible, else the earliest timer; null when nothing is pending. */
  nextWakeup(): number | null;
  /** The engine's time: the latest time an accepted input carried (Unix seconds), or null before the first. */
  now(): number | null;
  /** Lowering it hangs nothing up; it stops new dials until in-flight drops below. */
  setCapacity(capacity: number): void;
  /** The entire state as JSON text. */
  snapshot(): string;
  /** Frees the engine now (also done on garbage collection); the engine is unusable afterwards. */
  dispose(): void;
}

/** A call as buildResultPayload takes it; numbers may be decimal strings. */
export interface ResultPayloadInput {
  phone_number: string;
  max_attempts?: number | string;
  reattempt_wait?: number | string;
  events: { event: CallEventName; timestamp: number | string }[];
  /** Derived from the events when absent. */
  status?: CallStatus;
  call_id?: string | number;
  metadata?: Record<string, unknown> | string;
}

/** The call_details payload (SPEC 5) as JSON text, byte for byte as the platform sends it. */
export function buildResultPayload(call: ResultPayloadInput): string;

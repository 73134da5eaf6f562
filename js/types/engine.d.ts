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
  | 'rejected'
  /** SPEC 14: the number was on a suppression list when the call came up to dial (the call is canceled). */
  | 'suppressed';
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
  /**
   * SPEC 14 pacing: dials per second across all deployments, 0.001 to 10000 to the thousandth (0.5:
   * one dial every 2 s). At most ceil(rate x S) dials in any S consecutive seconds. null or absent:
   * no limit (0 is invalid_option).
   */
  dialRate?: number | null;
}

/** Days in calling hours: sun mon tue wed thu fri sat, a range (`mon-fri`, `sat-sun`) or a list (`sat,sun`). */
export type CallingHoursDays = string;

/**
 * Calling hours (SPEC 14) in the recipient's local time, as text: `"tcpa"` (08:00-21:00 every day,
 * 47 CFR 64.1200(c)(1)), `"08:00-21:00"`, several spans `"08:00-12:00,13:00-20:00"`, per weekday
 * `"mon-fri 08:00-21:00; sat 09:00-17:00"` (days not named: no calls); or the object form
 * `{"mon-fri": "08:00-21:00", sat: "09:00-17:00"}`. Times HH:MM, 00:00 to 24:00, each span open < close.
 */
export type CallingHours = string | Record<CallingHoursDays, string>;

/** What Engine#setDeployment takes: keys not given keep their value. */
export interface DeploymentPolicyInput {
  /** Its share of free lines (weighted max-min fairness: lowest in-flight / weight first), 1 to 1000; default 1. */
  weight?: number;
  /** When its calls may ring, unless a call gives its own calling_hours; null clears them. */
  callingHours?: CallingHours | null;
  /** The named suppression list its calls are also checked against (besides the engine-wide one); '' or null: none. */
  suppressionList?: string | null;
}

/** The policy in force for a deployment (the defaults when never set). */
export interface DeploymentPolicy {
  weight: number;
  /** The canonical text (`"08:00-21:00"`, `"mon-fri 08:00-21:00; sat 09:00-17:00"`), or null for none. */
  callingHours: string | null;
  suppressionList: string | null;
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
  /** Status queued, waiting for the window start, a re-attempt or its calling hours to open. */
  waiting: number;
  dialing: number;
  connected: number;
  completed: number;
  failed: number;
  canceled: number;
}

export interface EngineStats extends EngineCounts {
  capacity: number;
  /** Dials per second (SPEC 14), or null for no limit. */
  dialRate: number | null;
  /** Numbers on the suppression lists (the engine-wide one and the named ones). */
  suppressed: number;
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

/** enqueueCsv in pieces (Engine.createCsvEnqueuer): push the file in chunks, then finish() or abort(). */
export interface CsvEnqueuer {
  /** The next bytes of the file (a UTF-8 sequence may be split between chunks). */
  push(chunk: string | Uint8Array | ArrayBuffer): void;
  /** Ends the upload and queues it (all or none, or the valid rows with `partial`): enqueueCsv's result. */
  finish(): EnqueueCsvResult;
  /** Drops the upload: nothing more is queued. */
  abort(): void;
}

/** An engine error (report, advance, cancelDeployment, setCapacity, restore, options). */
export interface EngineError extends Error {
  /**
   * unknown_call, unknown_event, invalid_transition, invalid_reason, invalid_time, invalid_option,
   * invalid_snapshot; SPEC 14: invalid_calling_hours (setDeployment), invalid_phone_number and
   * missing_phone_number (suppress, unsuppress, isSuppressed).
   */
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
   * enqueue() for the JSON text of the parameters object (a request body as received), read by the
   * core as it is: a key given twice is refused (JSON.parse would keep the last).
   */
  enqueueJson(deployment: string, paramsText: string, now?: number, options?: { strict?: boolean }): EnqueueResult;
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
  /**
   * enqueueCsv in pieces, for uploads read or received in chunks: memory is bounded by the chunk and
   * the problems kept. Nothing is queued before finish() (with queueAsRead: as the rows are read),
   * and the engine takes no other upload until this one ends (code ERR_UPLOAD_IN_PROGRESS).
   */
  createCsvEnqueuer(deployment: string, params?: CsvUploadParams, now?: number, options?: EnqueueCsvOptions): CsvEnqueuer;
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
  /**
   * Drops the final calls (completed, failed, canceled) so that memory holds only live ones: get()
   * and stats() forget them; new calls number on after the highest id ever given. Returns how many.
   */
  compact(): number;
  /** When to call advance() next: the engine's time when a line is free and a call eligible, else the earliest timer; null when nothing is pending. */
  nextWakeup(): number | null;
  /** The engine's time: the latest time an accepted input carried (Unix seconds), or null before the first. */
  now(): number | null;
  /** Lowering it hangs nothing up; it stops new dials until in-flight drops below. */
  setCapacity(capacity: number): void;
  /**
   * Changes the pacing (SPEC 14): dials per second (fractions to the thousandth), or null for no
   * limit. The dials already made count against the new rate. 0 throws RangeError (use null, or
   * setCapacity(0) to pause); other invalid rates throw code invalid_option, field dialRate.
   */
  setDialRate(rate: number | null): void;
  /**
   * Sets a deployment's dial-time policy (SPEC 14), creating the deployment if new; keys not given
   * keep their value. Throws code invalid_option (weight, suppressionList, an unknown key) or
   * invalid_calling_hours, with `field`. Returns the policy now in force.
   */
  setDeployment(deployment: string, policy: DeploymentPolicyInput): DeploymentPolicy;
  /** The deployment's policy ({weight: 1, callingHours: null, suppressionList: null} when never set). */
  deploymentPolicy(deployment: string): DeploymentPolicy;
  /**
   * Suppresses a number (any accepted form; kept as E.164) in `list` (default: the engine-wide list
   * every call is checked against). A suppressed call is canceled when it comes up to dial (event
   * `suppressed`). Returns whether it was added (false: already there). Throws code
   * invalid_phone_number / missing_phone_number for a number that does not parse.
   */
  suppress(number: string, list?: string | null): boolean;
  /** Returns whether it was removed (false: it was not suppressed). */
  unsuppress(number: string, list?: string | null): boolean;
  isSuppressed(number: string, list?: string | null): boolean;
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

import type { Problem } from './common';
import type { Destination } from './destination';
import type { CallingHours } from './engine';

/** Queue parameters as the API takes them (SPEC 3). Numbers may also be decimal strings (form posts);
 * an optional parameter that is null or '' counts as not given. Other names are reported as
 * `unknown_parameter` warnings. */
export interface QueueParams {
  /** Required: `6175551234`, `tel:+16175551234;ani=8009957586;postd=2`, ... (a whole number is its digits). */
  phone_number?: string | number | bigint | null;
  /** Unix seconds: nothing is dialed before it. */
  start_timestamp?: number | string | null;
  /** Unix seconds, after start_timestamp and after now: calls still waiting then are canceled. */
  end_timestamp?: number | string | null;
  /** Total attempts, 1 to 10; requires reattempt_wait. */
  max_attempts?: number | string | null;
  /** Seconds between attempts, 60 to 86400; requires max_attempts. */
  reattempt_wait?: number | string | null;
  /** Absolute http(s) URL, at most 2048 characters, that receives the result payload. */
  result_url?: string | null;
  /** Key/value pairs (keys `[A-Za-z_][A-Za-z0-9_]{0,63}`, scalar values, at most 64 KiB as compact
   * JSON), as an object or as JSON text. */
  metadata?: Record<string, string | number | boolean | null> | string | null;
  /** 0 or 1 (true/false also accepted). */
  is_pci?: 0 | 1 | '0' | '1' | boolean | string | null;
  /**
   * SPEC 14: when the call may ring, in the recipient's local time (see CallingHours); overrides
   * its deployment's. Invalid: invalid_calling_hours. A window holding no minute inside them gives
   * the warning outside_calling_hours.
   */
  calling_hours?: CallingHours | null;
  /** SPEC 14: the recipient's IANA time zone (e.g. "America/Chicago"), instead of the number's zones; invalid_timezone when unknown. */
  timezone?: string | null;
  [name: string]: unknown;
}

export interface ValidationOptions {
  /** Unix seconds end_timestamp is compared with; default: the current time. */
  now?: number;
  /** Sensitive-data findings (possible_card_number, possible_ssn, sensitive_key) become errors. */
  strict?: boolean;
}

/** A validated, normalised request: what the engine queues. */
export interface QueueRequest {
  /** The destination as given, trimmed. */
  phone_number: string;
  destination: Destination;
  start_timestamp: number | null;
  end_timestamp: number | null;
  /** 1 unless set. */
  max_attempts: number;
  /** 0 unless set. */
  reattempt_wait: number;
  result_url: string | null;
  /** In the caller's key order; null when none (an empty object counts as none). */
  metadata: Record<string, string | number | boolean | null> | null;
  is_pci: boolean;
}

export type ValidateQueueRequestResult =
  | { ok: true; request: QueueRequest; errors: Problem[]; warnings: Problem[] }
  | { ok: false; request?: undefined; errors: Problem[]; warnings: Problem[] };

/** Validates one `queue` call's parameters, reporting every problem at once. Throws TypeError only
 * for programming errors (params not an object, now not a finite number, strict not a boolean). */
export function validateQueueRequest(params: QueueParams, options?: ValidationOptions): ValidateQueueRequestResult;

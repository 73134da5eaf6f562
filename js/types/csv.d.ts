import type { QueueRequest } from './validation';
import type { Problem } from './common';
import type { CallingHours } from './engine';

/**
 * The upload's parameters, shared by every row (SPEC 3): everything except phone_number and
 * metadata. The columns calling_hours and timezone (SPEC 14) give a row its own (they are not
 * metadata); a bad cell is an error naming its row and column (invalid_calling_hours,
 * invalid_timezone).
 */
export interface CsvUploadParams {
  start_timestamp?: number | string;
  end_timestamp?: number | string;
  max_attempts?: number | string;
  reattempt_wait?: number | string;
  result_url?: string;
  is_pci?: number | string | boolean;
  /** SPEC 14: every row's calling hours, unless the row has a calling_hours cell. */
  calling_hours?: CallingHours;
  /** SPEC 14: every row's IANA time zone, unless the row has a timezone cell. */
  timezone?: string;
  [name: string]: unknown;
}

export interface CsvOptions {
  /** Unix seconds to judge end_timestamp against; default: the clock. */
  now?: number;
  /** Sensitive data in cells (card numbers, SSNs, sensitive column names) is an error, not a warning. */
  strict?: boolean;
  /** More data rows than this is csv_too_many_rows and nothing is queued. Default 1,000,000. */
  maxRows?: number;
  /** Queue the valid rows even when other rows have errors (a file-level error still queues nothing). */
  partial?: boolean;
  /** Store at most this many problems; `counts` stays exact and `truncated` says so. Default 1,000. */
  maxProblems?: number;
  /** Return the queued rows as `requests`. */
  includeRequests?: boolean;
  /** The upload's size in bytes, when known (e.g. File#size): sizes the duplicate table once. Memory only. */
  sizeHint?: number;
}

/** A CSV problem: row problems carry `row` (1-based data row) and `line` (where the record starts). */
export type CsvProblem = Problem;

/** One queued row: the request validateQueueRequest would give for it, plus where it came from. */
export interface CsvRequest extends QueueRequest {
  row: number;
  line: number;
  /** The row's non-empty cells by column name, or null. */
  metadata: Record<string, string> | null;
}

export interface CsvResult {
  /**
   * The upload is accepted and `queued` rows are queued: no error at all (warnings allowed), or with
   * `partial`, no file-level error and at least one valid row.
   */
  ok: boolean;
  /** Data rows in the file (header and blank lines not counted). */
  rows: number;
  /** Rows without error. */
  valid: number;
  /** Rows with at least one error. */
  invalid: number;
  /** Rows that are queued: `valid` when ok, else 0. */
  queued: number;
  /** Every error and warning found, listed or not (see maxProblems). */
  errorCount: number;
  warningCount: number;
  errors: CsvProblem[];
  warnings: CsvProblem[];
  /** Every problem code that occurred, with its exact count. */
  counts: Record<string, number>;
  /** Problems beyond maxProblems were counted but not listed. */
  truncated: boolean;
  /** With includeRequests: the queued rows, in file order ([] when nothing is queued). */
  requests?: CsvRequest[];
}

export interface CsvProgress {
  /** Data rows read so far. */
  rows: number;
  /** Bytes (UTF-8) received so far. */
  bytes: number;
  /** A file-level problem (not UTF-8 text, a broken header, too many rows) decides the verdict: stop reading and finish(). */
  fileError: boolean;
}

/** A streaming validation: push the file in pieces of any size, then finish(). */
export interface CsvValidator {
  push(chunk: string | Uint8Array | ArrayBuffer): CsvProgress;
  /** Ends the file; the validator cannot be used afterwards. */
  finish(): CsvResult;
}

/** Validates a bulk_queue upload (SPEC 4). */
export function validateCsv(input: string | Uint8Array | ArrayBuffer, params?: CsvUploadParams, options?: CsvOptions): CsvResult;
/** Starts a streaming validation of a bulk_queue upload. */
export function createCsvValidator(params?: CsvUploadParams, options?: CsvOptions): CsvValidator;

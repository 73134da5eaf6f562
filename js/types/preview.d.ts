import type { Problem } from './common';
import type { CallingHours } from './engine';

/** A time in whole seconds, drawn uniformly from [max(1, mean - spread), mean + spread] per attempt. */
export interface PreviewDuration {
  /** 1 to 86400. */
  mean: number;
  /** 0 to 86400. Default 0 when the object is given (an exact time). */
  spread?: number;
}

/**
 * Each attempt's outcome weights. Normalised: only their proportions matter, so they need not sum
 * to 1 (each >= 0, not all 0). When `rates` is given, a missing outcome is 0. Default
 * `{connected: 0.7, busy: 0.1, noanswer: 0.15, informationtone: 0.05}`.
 */
export interface PreviewRates {
  connected?: number;
  busy?: number;
  /** Never reported by the carrier: the engine raises it itself at `ringTimeout`. */
  noanswer?: number;
  informationtone?: number;
  /** Refused by the carrier for another reason (SPEC 13, e.g. 503); default 0. */
  rejected?: number;
}

/** Another deployment sharing the same lines (fair queuing, SPEC 5). */
export interface CompetingDeployment {
  /** 0 to 1,000,000. */
  calls: number;
  /** Unix seconds it is queued at. Default: the preview's start. */
  start?: number | null;
  /** Its own window end (after its start). Default: none. */
  end?: number | null;
  /** 1 to 10; requires reattemptWait (as the queue parameter max_attempts). */
  maxAttempts?: number | null;
  /** 60 to 86400 seconds; requires maxAttempts (as reattempt_wait). */
  reattemptWait?: number | null;
  /** SPEC 14: its share of the lines, 1 to 1000. Default 1. */
  weight?: number | null;
  /** SPEC 14: its calling hours, in its numbers' zone (a Boston number: New York time). */
  callingHours?: CallingHours | null;
}

/** The subset of a validateCsv result previewWindow reads. */
export interface PreviewCsv {
  /** The rows the upload queues. */
  queued: number;
  /** false (the upload has errors and queues nothing) is an invalid_preview error. */
  ok?: boolean;
}

export interface PreviewOptions {
  /** Calls to preview, 0 to 1,000,000. Give `calls` or `csv`. */
  calls?: number;
  /** A validateCsv result (CsvResult): its `queued` rows are previewed. Give `calls` or `csv`. */
  csv?: PreviewCsv;
  /** Concurrent outbound lines shared by the preview and the competing deployments, 1 to 1,000,000. */
  capacity: number;
  /** Unix seconds: the calls are queued (and may be dialed) from then on. Default: now. */
  start?: number | null;
  /** Unix seconds, after start: calls still queued (or waiting to re-attempt) then are canceled. Default: none. */
  end?: number | null;
  /** Attempts per call, 1 to 10; requires reattemptWait (the queue parameters' rules). Default 1. */
  maxAttempts?: number | null;
  /** Seconds between attempts, 60 to 86400; requires maxAttempts. */
  reattemptWait?: number | null;
  /** Seconds connected. Default `{mean: 60, spread: 30}`. */
  talkTime?: PreviewDuration | null;
  /**
   * Seconds from the dial until the carrier answers or signals busy / information tone. Default
   * `{mean: 15, spread: 10}`. An attempt whose ring reaches ringTimeout is a noanswer.
   */
  ringTime?: PreviewDuration | null;
  /** The engine's noanswer timer, 1 to 86400 seconds. Default 45. */
  ringTimeout?: number | null;
  rates?: PreviewRates | null;
  /**
   * 0 to 2^53 - 1. Default 1. Each attempt's outcome and times depend only on (seed, deployment, call,
   * attempt), never on dial order: the same seed gives the same answer, in both builds.
   */
  seed?: number | null;
  /** Seconds between timeline points, 1 to 86400. Default 60 (doubled while more than 10,000 points would be needed). */
  timelineStep?: number | null;
  /** Other deployments sharing the lines (at most 100; at most 2,000,000 calls in all). */
  competing?: CompetingDeployment[] | null;
  /** SPEC 14: the previewed calls' calling hours, judged in their numbers' zones (or `timezone`). */
  callingHours?: CallingHours | null;
  /** SPEC 14: an IANA zone for every previewed call, instead of their numbers' (invalid_timezone when unknown). */
  timezone?: string | null;
  /** SPEC 14: the previewed calls' numbers (any accepted form), call i dialing numbers[i % length]; at most 100,000. Default: a Boston number. */
  numbers?: string[] | null;
  /** SPEC 14: numbers on the suppression list; their calls are canceled when they come up to dial. */
  suppressed?: string[] | null;
  /** SPEC 14: the lines' dial rate, dials per second, 0.001 to 10000 to the thousandth. Default: none. */
  dialRate?: number | null;
  /** SPEC 14: the previewed deployment's share of the lines, 1 to 1000. Default 1. */
  weight?: number | null;
}

/** Attempts (dials) by outcome. */
export interface PreviewOutcomes {
  connected: number;
  busy: number;
  /** Includes attempts whose ring reached ringTimeout. */
  noanswer: number;
  informationtone: number;
  rejected: number;
}

/** The state just after everything that happens at `timestamp`. */
export interface PreviewPoint {
  timestamp: number;
  /** Lines dialing or connected, every deployment included. */
  linesInUse: number;
  /** Previewed calls waiting or eligible: neither final nor in flight. */
  queued: number;
  /** Previewed calls so far (cumulative). */
  completed: number;
  failed: number;
  canceled: number;
}

export interface PreviewNeeded {
  /**
   * With an end: the smallest capacity with which no previewed call is canceled (verified: it cancels
   * nothing, one line less cancels something). null without an end, or when no capacity can do it
   * (the re-attempt waits alone outlast the window).
   */
  capacity: number | null;
  /** At the given capacity, the earliest end that cancels nothing (null without calls). */
  endTimestamp: number | null;
  /** endTimestamp - start. */
  windowSeconds: number | null;
}

/** What happened to one deployment's calls in the preview. */
export interface PreviewCallCounts {
  completed: number;
  failed: number;
  canceled: number;
  /** Of `canceled`: calls whose number was suppressed (SPEC 14). */
  suppressed: number;
  /** Dials of these calls. */
  attempts: number;
  outcomes: PreviewOutcomes;
  /** When the last of these calls reached its final status (its last result's timestamp); null without calls. */
  drainTimestamp: number | null;
}

export interface CompetingOutcome extends PreviewCallCounts {
  calls: number;
  start: number;
  end: number | null;
}

export interface PreviewResult extends PreviewCallCounts {
  ok: true;
  calls: number;
  capacity: number;
  start: number;
  end: number | null;
  /** No previewed call is canceled. */
  fits: boolean;
  needed: PreviewNeeded;
  /** One per competing deployment, in the order given. */
  competing: CompetingOutcome[];
  /** The timeline's step in seconds (timelineStep, or a multiple of it for long timelines). */
  timelineStep: number;
  /** From start, one point per timelineStep, until the first point at or after drainTimestamp. */
  timeline: PreviewPoint[];
  /** Engine runs the preview took, the `needed` search included. */
  simulations: number;
}

export type PreviewWindowResult = PreviewResult | { ok: false; errors: Problem[] };

/**
 * Will these calls fit in this window on these lines? Runs the real queue engine (capacity, fair
 * queuing, window, re-attempts, ring timeout) against a seeded simulated carrier. Invalid values give
 * `{ok: false, errors}` (invalid_preview, or the queue parameters' codes for start/end/maxAttempts/
 * reattemptWait, invalid_calling_hours and invalid_timezone); wrong argument types throw TypeError.
 */
export function previewWindow(options: PreviewOptions): PreviewWindowResult;

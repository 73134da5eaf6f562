import type { Problem } from './common';

/** A destination normalised per SPEC section 2. */
export interface Destination {
  /** `+16175551234` */
  e164: string;
  /** `1` */
  countryCode: number;
  /** `6175551234` */
  nationalNumber: string;
  /** Caller ID in E.164, or null. */
  ani: string | null;
  /** Post-dial DTMF (`0-9*#ABCD`, pauses `p`/`w`), or null. */
  postd: string | null;
  /** Canonical `tel:+16175551234;ani=8009957586;postd=2` (a NANP ANI as 10 digits). */
  uri: string;
}

export type ParseDestinationResult =
  | { ok: true; destination: Destination; warnings: Problem[] }
  | { ok: false; errors: Problem[]; warnings: Problem[] };

/** A problem of one input of a batch, with that input's index. */
export interface IndexedProblem extends Problem {
  index: number;
}

/** parseDestinations() result: columns over all inputs, materialised on first use. */
export interface DestinationBatch extends Iterable<ParseDestinationResult> {
  readonly length: number;
  readonly valid: number;
  readonly invalid: number;
  /** Per input: 0 valid, 1 valid with warnings, 2 invalid. */
  readonly status: Uint8Array;
  /** Per input: country calling code, 0 when invalid. */
  readonly countryCode: Uint16Array;
  readonly e164: (string | null)[];
  readonly nationalNumber: (string | null)[];
  readonly uri: (string | null)[];
  readonly ani: (string | null)[];
  readonly postd: (string | null)[];
  readonly errors: IndexedProblem[];
  readonly warnings: IndexedProblem[];
  isValid(index: number): boolean;
  /** The same result parseDestination(inputs[index]) gives. */
  at(index: number): ParseDestinationResult | undefined;
}

/** Parses one destination: `6175551234`, `tel:+16175551234;ani=8009957586;postd=2`, ... */
export function parseDestination(input: string): ParseDestinationResult;
/** Parses many destinations in one call across the JS/native boundary. */
export function parseDestinations(inputs: readonly string[]): DestinationBatch;

/** One problem found in the input: every problem is reported, not just the first. */
export interface Problem {
  /** Machine-readable code from the SPEC, e.g. `invalid_phone_number`. */
  code: string;
  /** The request field or CSV column the problem is about ('' when none). */
  field: string;
  /** A sentence a person can act on. */
  message: string;
  /** CSV only: 1-based data row. */
  row?: number;
  /** CSV only: 1-based physical line where the record starts. */
  line?: number;
}

/** Which build answers: the Node-API addon or the WebAssembly module. */
export type BackendName = 'native' | 'wasm';

// require('fuse-outbound/server'): the outbound service (SPEC 8-11) as a library.

export interface ServerOptions {
  /** Data directory (default ./fuse-data). */
  data?: string;
  /**
   * 'postgres://user@host:port/db': this server is one node of several on that database (SPEC 12);
   * `accounts.add` and `deployments.*` then return promises.
   */
  store?: string;
  /** With `store`: seconds within which a follower takes over from a dead leader (default 10). */
  lease?: number;
  /** Lines shared by every deployment (default 10). */
  capacity?: number;
  /** Ring timeout in seconds (default 45; fixed when the data directory is created). */
  ringTimeout?: number;
  /** Dials per second across all deployments (SPEC 14; fractions to the thousandth; default null: no limit). A changed rate at a restart is journaled. */
  dialRate?: number | null;
  /** 'real' (default) or 'manual': time moves only with `clock.advance(seconds)`. */
  clock?: 'real' | 'manual';
  /** The real clock runs N times faster than wall time. */
  speed?: number;
  /** The manual clock's first time, Unix seconds (default now). */
  startTime?: number;
  /** 'sim' (default): simulated; 'sip': a SIP trunk (SPEC 13). */
  carrier?: 'sim' | 'sip';
  /** The simulated carrier's seeded model, or the SIP carrier's trunk (SPEC 13). */
  carrierOptions?: SimCarrierOptions | SipCarrierOptions;
  /** CIDR ranges ("127.0.0.1/32,::1/128") callbacks may go to despite the SSRF guard. */
  allowCallbacksTo?: string | null;
  /** Requests per second per account (0: no limit). */
  rateLimit?: number;
  /** bulk_queue upload limit in bytes (default 1 GiB). */
  maxUploadBytes?: number;
  /** bulk_queue row limit (default 1,000,000). */
  maxRows?: number;
  /** Result delivery timeout (default 15000 ms). */
  webhookTimeoutMs?: number;
  port?: number;
  host?: string;
  log?: (line: string) => void;
}

export interface Account {
  email: string;
  /** The password of HTTP Basic auth; only its hash is stored. */
  developerKey: string;
  /** Standard Webhooks secret (whsec_...) that signs this account's result callbacks. */
  signingSecret: string;
}

export interface Deployment {
  id: number;
  app: string;
  deployment: string;
  email: string;
  /** SPEC 14: the policy as stored (weight 1 when never set; calling_hours null: none). */
  weight: number;
  calling_hours: string | Record<string, string> | null;
}

export interface ManualClock {
  kind: 'manual';
  now(): number;
  /** Moves time forward, running every dial, outcome and delivery due by then. */
  advance(seconds: number): Promise<void>;
}

export interface RealClock {
  kind: 'real';
  speed: number;
  now(): number;
}

export interface Server {
  /** The fastify instance (for `inject` in tests without a socket). */
  app: {
    inject(request: { method: string; url: string; headers?: Record<string, string>; payload?: string | object }): Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }>;
  };
  clock: ManualClock | RealClock;
  /** Base URL once listening. */
  url: string | null;
  port: number | null;
  /** Journal entries replayed at start (after the last checkpoint). */
  replayed: number;
  listen(options?: { port?: number; host?: string }): Promise<string>;
  close(): Promise<void>;
  /** Synchronous on the data directory (SQLite); with `store: 'postgres://...'` each returns a promise of it (await it). */
  accounts: { add(email: string): Account };
  deployments: {
    add(email: string, app: string, deployment: string, policy?: DeploymentPolicyInput): Deployment;
    /** Changes the deployment's dial-time policy (keys not given keep their value; callingHours null clears); a running service applies it within a second. */
    set(app: string, deployment: string, policy: DeploymentPolicyInput): Omit<Deployment, 'email'>;
    delete(app: string, deployment: string): void;
  };
}

/** A deployment's dial-time policy (SPEC 14), judged by the core: weight 1-1000; calling hours "tcpa", "08:00-21:00", "mon-fri 08:00-21:00; sat 09:00-17:00". */
export interface DeploymentPolicyInput {
  weight?: number;
  callingHours?: string | Record<string, string> | null;
}

export function createServer(options?: ServerOptions): Promise<Server>;

export interface SimCarrierOptions {
  seed?: number;
  rates?: Record<string, number>;
  ringTime?: unknown;
  talkTime?: unknown;
}

export interface SipCarrierOptions {
  /** HOST:PORT every INVITE goes to. */
  trunk: string;
  transport?: 'udp' | 'tcp';
  /** Digest credentials, used when the trunk challenges (401/407); both or neither. */
  user?: string;
  password?: string;
  /** 'pai': the ani in P-Asserted-Identity too (default 'from'). */
  callerIdHeader?: 'from' | 'pai';
  /** HOST:PORT our SIP stack listens on (default 0.0.0.0:5060). */
  bind?: string;
  /** Seconds a `w` in postd waits (default 1). */
  postdWait?: number;
  /** Hang up a connected call after this many seconds (default 0: never). */
  maxCallSeconds?: number;
  /** The IPv4 address the trunk reaches us at (behind NAT): in Via, Contact and SDP. */
  publicAddress?: string;
}

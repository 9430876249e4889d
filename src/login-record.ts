/**
 * How the session's mojeID login was made: its `acr`, `amr` and `auth_time`, kept in the session
 * at login so that a route can later ask for more than the login it has (step-up): "eIDAS high
 * within the last 5 minutes" on a payment page while the rest of the app takes any login.
 */
import type { Request } from 'express';
import { assuranceLevelOf, loginMethodOf, type AssuranceLevel, type LoginMethod } from './assurance.js';

const SESSION_KEY = 'mojeid:login';

export interface MojeIdLoginRecord {
  /** The ID token's `acr`, as received. */
  readonly acr: string | undefined;
  readonly amr: readonly string[] | undefined;
  /** Seconds since the epoch of the user's last active authentication at mojeID (`auth_time`). */
  readonly authTime: number | undefined;
  readonly assuranceLevel: AssuranceLevel | undefined;
  readonly loginMethod: LoginMethod | undefined;
}

interface Stored {
  acr?: string;
  amr?: string[];
  authTime?: number;
}

/** At the callback, in the session the login just regenerated. */
export function recordLogin(req: Request, login: { acr: string | undefined; amr: readonly string[] | undefined; authTime: number | undefined }): void {
  const session = (req as unknown as { session?: Record<string, unknown> }).session;
  if (!session) return;
  const stored: Stored = {
    ...(login.acr !== undefined ? { acr: login.acr } : {}),
    ...(login.amr !== undefined ? { amr: [...login.amr] } : {}),
    ...(login.authTime !== undefined ? { authTime: login.authTime } : {}),
  };
  session[SESSION_KEY] = stored;
}

/**
 * How this session's mojeID login was made, or `undefined` when the session has none (not logged
 * in through this library, or logged in before the record existed).
 */
export function mojeIdLoginOf(req: Request): MojeIdLoginRecord | undefined {
  const stored = (req as unknown as { session?: Record<string, unknown> }).session?.[SESSION_KEY] as Stored | undefined;
  if (!stored || typeof stored !== 'object') return undefined;
  const acr = typeof stored.acr === 'string' ? stored.acr : undefined;
  return {
    acr,
    amr: Array.isArray(stored.amr) ? stored.amr.filter((v): v is string => typeof v === 'string') : undefined,
    authTime: typeof stored.authTime === 'number' ? stored.authTime : undefined,
    assuranceLevel: assuranceLevelOf(acr),
    loginMethod: loginMethodOf(acr),
  };
}

/**
 * A route's demands on the mojeID login beyond "logged in" (`requireMojeIdLogin({ assurance,
 * loginMethod, maxAge })`), carried from the guard through the login page to the login start as
 * query parameters. They can only make a login stricter than configured (the strategy combines
 * them with the configuration), so a crafted link cannot lower anything; a malformed one is a
 * `bad_request`, never ignored.
 */
import type { Request } from 'express';
import { parseAssuranceLevel, parseLoginMethod, type AssuranceLevel, type LoginMethod } from '../assurance.js';
import { MojeIdError } from '../errors.js';

export interface StepUp {
  readonly assurance?: AssuranceLevel;
  readonly loginMethod?: LoginMethod;
  readonly maxAge?: number;
}

/** `&assurance=high&loginMethod=security-key&maxAge=300` (empty when nothing is demanded). */
export function stepUpQuery(stepUp: StepUp): string {
  const params = new URLSearchParams();
  if (stepUp.assurance) params.set('assurance', stepUp.assurance);
  if (stepUp.loginMethod) params.set('loginMethod', stepUp.loginMethod);
  if (stepUp.maxAge !== undefined) params.set('maxAge', String(stepUp.maxAge));
  const query = params.toString();
  return query ? `&${query}` : '';
}

/** The step-up parameters of a login or login-page request. */
export function parseStepUpQuery(req: Request): StepUp {
  const query = req.query as Record<string, unknown>;
  const text = (name: string): string | undefined => {
    const value = Object.hasOwn(query, name) ? query[name] : undefined;
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.length > 64) throw badRequest(name);
    return value;
  };
  const assuranceText = text('assurance');
  const methodText = text('loginMethod');
  const maxAgeText = text('maxAge');
  const assurance = assuranceText === undefined ? undefined : parseAssuranceLevel(assuranceText);
  if (assuranceText !== undefined && !assurance) throw badRequest('assurance');
  const loginMethod = methodText === undefined ? undefined : parseLoginMethod(methodText);
  if (methodText !== undefined && !loginMethod) throw badRequest('loginMethod');
  if (maxAgeText !== undefined && !/^\d{1,9}$/.test(maxAgeText)) throw badRequest('maxAge');
  return {
    ...(assurance ? { assurance } : {}),
    ...(loginMethod ? { loginMethod } : {}),
    ...(maxAgeText !== undefined ? { maxAge: Number(maxAgeText) } : {}),
  };
}

function badRequest(name: string): MojeIdError {
  return new MojeIdError('bad_request', `the login link's ${name} parameter is not valid`, { status: 400 });
}

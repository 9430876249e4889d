/**
 * The authentication-request parameters an app may set in configuration and again per request
 * (`passport.authenticate('mojeid', { acrValues, loginMethod, maxAge, prompt, uiLocales })`):
 * one set of checks for both, and the rule that a request may make a login stricter than the
 * configuration, never weaker (`offlineAccess`, docs/offline-access.md, is the request's when
 * given). A value that does not parse is an error, never silently dropped:
 * dropping `acrValues: 'High'` would have sent no `acr_values` and checked no `acr`.
 */
import {
  parseAssuranceLevel,
  parseLoginMethod,
  strongerLevel,
  strongerLoginMethod,
  ASSURANCE_LEVEL_URIS,
  type AssuranceLevel,
  type LoginMethod,
} from './assurance.js';
import { ConfigurationError, type ConfigurationIssue } from './errors.js';

export const SUPPORTED_PROMPTS = ['none', 'login', 'consent', 'select_account'] as const;

const LANGUAGE_TAGS = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*( [A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*)*$/;

/** What is wrong with a `prompt` value (OIDC Core §3.1.2.1), or `undefined`. */
export function promptProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `expected a string such as "login", got ${JSON.stringify(value)}`;
  const prompts = value.split(' ').filter(Boolean);
  const unknown = prompts.filter((p) => !(SUPPORTED_PROMPTS as readonly string[]).includes(p));
  if (unknown.length || prompts.length === 0) return `expected ${SUPPORTED_PROMPTS.join(', ')}, got ${JSON.stringify(value)}`;
  if (prompts.includes('none') && prompts.length > 1) return '"none" cannot be combined with other values (OIDC Core §3.1.2.1)';
  return undefined;
}

export function uiLocalesProblem(value: unknown): string | undefined {
  if (typeof value === 'string' && LANGUAGE_TAGS.test(value.trim())) return undefined;
  return `expected space-separated language tags such as "cs en", got ${JSON.stringify(value)}`;
}

export function acrValuesProblem(value: unknown): string | undefined {
  if (parseAssuranceLevel(value)) return undefined;
  return `expected "substantial" or "high" (or ${ASSURANCE_LEVEL_URIS.high[1]}), got ${JSON.stringify(value)}`;
}

export function loginMethodProblem(value: unknown): string | undefined {
  if (parseLoginMethod(value)) return undefined;
  return `expected "password", "multi-factor" or "security-key" (or pwd, mod-pr, phr), got ${JSON.stringify(value)}`;
}

export function maxAgeProblem(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return undefined;
  return `expected a whole number of seconds (0 or more), got ${JSON.stringify(value)}`;
}

/** The per-request options that shape the authorization request. */
export interface LoginOptions {
  acrValues?: AssuranceLevel | string;
  loginMethod?: LoginMethod | string;
  maxAge?: number;
  prompt?: string;
  uiLocales?: string;
  /** Ask for a refresh token (docs/offline-access.md): adds `offline_access` and `prompt=consent`. */
  offlineAccess?: boolean;
}

/** What one login asks mojeID for, after configuration and request are combined. */
export interface LoginRequirements {
  readonly acrLevel: AssuranceLevel | undefined;
  readonly loginMethod: LoginMethod | undefined;
  readonly maxAge: number | undefined;
  readonly prompt: string | undefined;
  readonly uiLocales: string | undefined;
  /** Whether the login asks for a refresh token; its `prompt` then includes `consent`. */
  readonly offlineAccess?: boolean;
}

/**
 * Field notes: pyoidc grants `offline_access` only when `prompt` includes `consent` (OIDC Core
 * §11 says the same), so offline access adds it; `none` cannot be combined with it.
 */
export function offlineAccessPrompt(prompt: string | undefined): string | undefined {
  const prompts = (prompt ?? '').split(' ').filter(Boolean);
  if (prompts.includes('none')) return undefined;
  return prompts.includes('consent') ? prompts.join(' ') : [...prompts, 'consent'].join(' ');
}

/**
 * Configuration (`configured`) combined with one request's options: levels and methods take the
 * stronger of the two, `maxAge` the shorter, `prompt` and `uiLocales` the request's. Throws a
 * `ConfigurationError` (code `invalid_configuration`) naming every bad option; the variable
 * column says "per request" so nobody looks for it in the environment.
 */
export function combineLoginOptions(configured: LoginRequirements, options: LoginOptions): LoginRequirements {
  const issues: ConfigurationIssue[] = [];
  const issue = (option: keyof LoginOptions, message: string): void => {
    issues.push({ option, variable: `passport.authenticate(…, { ${option} })`, message });
  };
  const acrLevel = options.acrValues === undefined ? undefined : parseAssuranceLevel(options.acrValues);
  if (options.acrValues !== undefined && !acrLevel) issue('acrValues', acrValuesProblem(options.acrValues) as string);
  const loginMethod = options.loginMethod === undefined ? undefined : parseLoginMethod(options.loginMethod);
  if (options.loginMethod !== undefined && !loginMethod) issue('loginMethod', loginMethodProblem(options.loginMethod) as string);
  if (options.maxAge !== undefined) {
    const problem = maxAgeProblem(options.maxAge);
    if (problem) issue('maxAge', problem);
  }
  if (options.prompt !== undefined) {
    const problem = promptProblem(options.prompt);
    if (problem) issue('prompt', problem);
  }
  if (options.uiLocales !== undefined) {
    const problem = uiLocalesProblem(options.uiLocales);
    if (problem) issue('uiLocales', problem);
  }
  if (options.offlineAccess !== undefined && typeof options.offlineAccess !== 'boolean') {
    issue('offlineAccess', `expected true or false, got ${JSON.stringify(options.offlineAccess)}`);
  }
  const offlineAccess = options.offlineAccess ?? configured.offlineAccess ?? false;
  let prompt = options.prompt ?? configured.prompt;
  if (offlineAccess && !issues.length) {
    const withConsent = offlineAccessPrompt(prompt);
    if (withConsent === undefined) {
      issue(options.prompt !== undefined ? 'prompt' : 'offlineAccess', 'offline access needs prompt=consent (mojeID grants offline_access only then), which cannot be combined with "none" (OIDC Core §3.1.2.1)');
    }
    prompt = withConsent;
  }
  const level = strongerLevel(configured.acrLevel, acrLevel);
  const method = strongerLoginMethod(configured.loginMethod, loginMethod);
  if (!issues.length && level && method) {
    issue(acrLevel ? 'acrValues' : 'loginMethod', "an eIDAS level and a login method cannot be required together: the ID token's single acr names one of them (docs/assurance.md)");
  }
  if (issues.length) throw new ConfigurationError(issues);
  const maxAges = [configured.maxAge, options.maxAge].filter((v): v is number => v !== undefined);
  return {
    acrLevel: level,
    loginMethod: method,
    maxAge: maxAges.length ? Math.min(...maxAges) : undefined,
    prompt,
    uiLocales: options.uiLocales?.trim() ?? configured.uiLocales,
    offlineAccess,
  };
}

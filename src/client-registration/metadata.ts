/**
 * Checks client metadata before it is sent, so a typo is named here instead of coming back as
 * mojeID's terse `invalid_request` (Appendix 6.6), and builds the JSON body of §5.1.3's examples.
 */
import { isLoopbackHost } from '../url-checks.js';
import { ConfigurationError, type ConfigurationIssue } from '../errors.js';
import type { ClientMetadataChanges } from './types.js';

const URL_FIELDS = ['logo_uri', 'client_uri', 'policy_uri'] as const;
const TEXT_FIELDS = ['client_name'] as const;
const AUTH_METHODS: readonly string[] = ['client_secret_basic', 'client_secret_post'];

function urlProblem(value: unknown, allowPlainHttp: boolean): string | undefined {
  if (typeof value !== 'string') return 'must be a URL string';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `must be an absolute URL, got ${JSON.stringify(value)}`;
  }
  if (url.hash) return `must not contain a fragment, got ${JSON.stringify(value)}`;
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && (allowPlainHttp || isLoopbackHost(url.hostname)));
  return secure ? undefined : `must use https (plain http only on a loopback host), got ${JSON.stringify(value)}`;
}

function listProblems(field: string, value: unknown, allowPlainHttp: boolean): ConfigurationIssue[] {
  if (!Array.isArray(value) || value.length === 0) return [{ option: field, variable: field, message: 'must be a non-empty list of URLs' }];
  return value.flatMap((item) => {
    const problem = urlProblem(item, allowPlainHttp);
    return problem ? [{ option: field, variable: field, message: problem }] : [];
  });
}

/**
 * Problems with metadata that is about to be registered or changed. `assertion_uris` may be plain
 * http: the test instance sends notifications without TLS (§6.2).
 */
export function metadataProblems(metadata: Readonly<Record<string, unknown>>, requireRedirectUris: boolean): ConfigurationIssue[] {
  const issues: ConfigurationIssue[] = [];
  if (requireRedirectUris || metadata['redirect_uris'] !== undefined) issues.push(...listProblems('redirect_uris', metadata['redirect_uris'], false));
  if (metadata['assertion_uris'] !== undefined) issues.push(...listProblems('assertion_uris', metadata['assertion_uris'], true));
  for (const field of URL_FIELDS) {
    const value = metadata[field];
    const problem = value === undefined || value === null ? undefined : urlProblem(value, false);
    if (problem) issues.push({ option: field, variable: field, message: problem });
  }
  for (const field of TEXT_FIELDS) {
    const value = metadata[field];
    if (value !== undefined && value !== null && (typeof value !== 'string' || value.trim() === '')) {
      issues.push({ option: field, variable: field, message: 'must be a non-empty string' });
    }
  }
  const subjectType = metadata['subject_type'];
  if (subjectType !== undefined && subjectType !== 'public' && subjectType !== 'pairwise') {
    issues.push({ option: 'subject_type', variable: 'subject_type', message: `expected public or pairwise, got ${JSON.stringify(subjectType)}` });
  }
  const method = metadata['token_endpoint_auth_method'];
  if (method !== undefined && !AUTH_METHODS.includes(method as string)) {
    issues.push({
      option: 'token_endpoint_auth_method',
      variable: 'token_endpoint_auth_method',
      message: `expected client_secret_basic or client_secret_post, got ${JSON.stringify(method)}`,
    });
  }
  return issues;
}

export function assertValidMetadata(metadata: Readonly<Record<string, unknown>>, requireRedirectUris: boolean): void {
  const issues = metadataProblems(metadata, requireRedirectUris);
  if (issues.length) throw new ConfigurationError(issues);
}

/** The change request body: given members only (`undefined` dropped; `null` removes a value, RFC 7591 §2). */
export function changeBody(changes: ClientMetadataChanges): Record<string, unknown> {
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
}

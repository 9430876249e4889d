/**
 * `toMojeIdError(error, context)`, the one place a failure gets its code: the same failure means
 * different things in different places, and a `MojeIdError` keeps the code it was made with.
 */
import { toMojeIdError, type ErrorContext } from '../../src/error-mapping.js';
import { ClientRegistrationError, CredentialStoreError, MojeIdError } from '../../src/index.js';

/** What body-parser and http-errors throw: an Error with a 4xx `status`. */
function parserError(status: number): Error {
  return Object.assign(new Error('request entity too large'), { status, type: 'entity.too.large' });
}

describe('toMojeIdError', () => {
  it.each(['token', 'userinfo', 'callback', 'logout', 'verify', 'renewal', 'credential-save'] as const)('returns a MojeIdError as it is (%s)', (context) => {
    const error = new MojeIdError('csrf_failed', 'wrong CSRF token', { status: 403 });
    expect(toMojeIdError(error, context)).toBe(error);
  });

  it.each([
    ['logout', 'bad_request'],
    ['register', 'bad_request'],
    ['login', 'bad_request'],
    ['callback', 'invalid_callback'],
  ] as const)('makes a malformed request on %s %s, with its status', (context, code) => {
    expect(toMojeIdError(parserError(413), context)).toMatchObject({ code, status: 413 });
  });

  it.each(['login', 'callback', 'logout', 'register', 'prefill', 'page'] as const)('makes an unexpected failure on %s internal_error (500)', (context) => {
    const cause = new Error('boom');
    expect(toMojeIdError(cause, context)).toMatchObject({ code: 'internal_error', status: 500, cause });
  });

  it('keeps anything but an Error out of the cause: it may be a profile or tokens', () => {
    const outcome = { accessToken: 'secret', claims: { birthdate: '1990-01-01' } };
    expect(toMojeIdError(outcome, 'callback').cause).toBeUndefined();
  });

  it.each([
    ['verify', 'the verify callback reported an error'],
    ['registration-data', 'registrationData threw'],
    ['openid2-lookup', 'findUserByOpenId2Id reported an error'],
  ] as const)('makes a failing app callback (%s) verify_failed (500)', (context, message) => {
    const cause = new Error('db');
    expect(toMojeIdError(cause, context)).toMatchObject({ code: 'verify_failed', status: 500, message, cause });
  });

  it('makes a session store failure session_store_failed (503)', () => {
    expect(toMojeIdError(new Error('ECONNREFUSED'), 'session-store')).toMatchObject({ code: 'session_store_failed', status: 503 });
  });

  it('makes renewal and credential store failures their own errors, with what went wrong', () => {
    const renewal = toMojeIdError(new Error('socket hang up'), 'renewal');
    expect(renewal).toBeInstanceOf(ClientRegistrationError);
    expect(renewal.message).toBe('renewal failed: socket hang up');
    const load = toMojeIdError(Object.assign(new Error('no such file'), { code: 'ENOENT' }), 'credential-load');
    expect(load).toBeInstanceOf(CredentialStoreError);
    expect(load.message).toBe('loading the client credentials failed: ENOENT: no such file');
    expect(toMojeIdError(new Error('read-only'), 'credential-save').message).toBe('saving the client credentials failed: read-only');
  });

  it('makes a network failure at the token and UserInfo endpoints provider_unavailable (503)', () => {
    const failure = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    for (const context of ['token', 'refresh', 'userinfo'] satisfies ErrorContext[]) {
      expect(toMojeIdError(failure, context)).toMatchObject({ code: 'provider_unavailable', status: 503 });
    }
  });
});

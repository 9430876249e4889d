/**
 * `MojeIdStrategy`: Passport's strategy contract around openid-client's authorization-code flow.
 *
 * openid-client ships a Passport strategy, but it keeps one pending login per session (a second tab
 * overwrites the first) and cannot check `acr`, essential claims or mojeID's account flags; this
 * strategy uses openid-client's functions directly for those reasons. What it checks, in order:
 * the callback is well-formed and its `state` belongs to a login this session started (one use);
 * `iss` in the response (RFC 9207), the code exchange with PKCE, the ID token (signature, iss, aud,
 * azp, exp, iat, nonce, auth_time against max_age), the eIDAS `acr` (§5.1.12), the UserInfo `sub`
 * against the ID token (§5.1.10), essential claims (Appendix 7 point 4) and account flags.
 */
import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import type passport from 'passport';
import * as oidc from 'openid-client';
import { isCallbackRequest, parseCallbackQuery } from './callback-params.js';
import { buildClaimsParameter } from './claims-parameter.js';
import { normaliseClaims } from './claims/normalise.js';
import {
  acrSatisfies,
  acrSatisfiesLoginMethod,
  acrValuesFor,
  describeRequirement,
  levelSpelling,
  LOGIN_METHOD_ACR,
  type AssuranceLevel,
  type LoginMethod,
} from './assurance.js';
import { ACCOUNT_REQUIREMENT_CLAIMS, resolveConfig, type MojeIdConfig, type MojeIdOptions } from './config.js';
import { combineLoginOptions } from './login-options.js';
import { renewalForConfig } from './client-registration/configured-renewal.js';
import type { CredentialRenewal, RenewalHooks, RenewalRetryOptions } from './client-registration/renewal.js';
import { isAuthenticationFailure, isClientAuthenticationFailure, mapAuthorizationResponseError, toMojeIdError } from './error-mapping.js';
import { AccountNotAcceptedError, AssuranceLevelError, MissingClaimsError, type MojeIdError, StateMismatchError, type AccountRequirement } from './errors.js';
import { consoleLogger, OnceLogger, type MojeIdLogger } from './logger.js';
import { addPendingLogin, takePendingLogin } from './pending-logins.js';
import { cookieSettingProblems, hostProblem } from './session-cookie.js';
import { newState } from './state.js';
import { diagnoseMissingLogin } from './state-diagnosis.js';
import { buildProfile, mergeClaims, type MojeIdProfile } from './profile.js';
import { ProviderClient, type ProviderAgents } from './provider.js';
import { linkByOpenId2Id, openId2ScopeIssue, type FindUserByOpenId2Id } from './openid2-migration.js';
import { prefillClaimNames, prefillClaimRequest, purposeOf, rotateSessionId, storePrefill, type MojeIdPurpose } from './prefill.js';
import { safeReturnTo } from './return-to.js';
import { callVerify, type AppVerify, type VerifyFunction, type VerifyFunctionWithRequest } from './verify-call.js';

// The verify contract is part of the strategy's: `new MojeIdStrategy(options, verify)`.
export type { VerifyCallback, VerifyFunction, VerifyFunctionWithRequest } from './verify-call.js';

export interface MojeIdStrategyOptions extends MojeIdOptions, RenewalHooks {
  /** Strategy name for `passport.authenticate(name)`. Default `mojeid`. */
  name?: string;
  /** Pass `req` as the first argument of `verify`. */
  passReqToCallback?: boolean;
  /** Back-off of failed secret renewals (§5.1.3). */
  renewalRetry?: RenewalRetryOptions;
  /**
   * Connection pools for the requests to mojeID (discovery, keys, token, UserInfo), instead of the
   * library's shared keep-alive ones: e.g. an agent that goes through your outbound HTTP proxy
   * (`new HttpsProxyAgent(url, { keepAlive: true })` from `https-proxy-agent`), or one with its own
   * CA or socket limits.
   */
  agents?: ProviderAgents;
  /**
   * Where the strategy warns about setups that lose logins (a session cookie the browser will not
   * bring back, said once per problem). Default: `console.warn`; `mojeid()` passes its `logger`.
   */
  logger?: MojeIdLogger;
  /**
   * OpenID 2.0 migration (§5.3.2, docs/migrating-from-openid2.md): the local user who logged in
   * with this OpenID 2.0 identifier and has no mojeID `sub` linked yet, after linking
   * `profile.id` to them; `undefined` when there is none (the login goes on to `verify`). Called
   * only with an identifier from the signed ID token, on a host mojeID is authoritative for.
   * Needs the `openid2` scope.
   */
  findUserByOpenId2Id?: FindUserByOpenId2Id;
  /**
   * What a prefill (`purpose: 'prefill'`, docs/prefill.md) asks mojeID for. Default: `given_name`,
   * `family_name`, `email`, `phone_number`, `address`; list only the fields your form has
   * (Appendix 7 point 4).
   */
  prefillClaims?: readonly string[];
}

/**
 * Per-request options: `passport.authenticate('mojeid', { returnTo: '/orders' })`. They are
 * checked like configuration (a bad value fails the login start with `invalid_configuration`,
 * never silently dropped) and may make the login stricter than configured, never weaker:
 * `acrValues` and `loginMethod` take the stronger, `maxAge` the shorter of the two.
 */
export interface MojeIdAuthenticateOptions {
  /** Same-origin path to return to after login; anything else is replaced by `/`. */
  returnTo?: string;
  prompt?: string;
  maxAge?: number;
  acrValues?: AssuranceLevel | string;
  /** `password`, `multi-factor` or `security-key` (§4.3.1); docs/assurance.md. */
  loginMethod?: LoginMethod | string;
  uiLocales?: string;
  /** Ask this login for a refresh token (`offline_access` + `prompt=consent`; docs/offline-access.md). */
  offlineAccess?: boolean;
  /**
   * `prefill`: fill a form, log nobody in. The callback keeps the claims for one
   * `takeMojeIdPrefill(req)` and redirects to `returnTo`; `verify` is not called (docs/prefill.md).
   */
  purpose?: MojeIdPurpose;
  /** A prefill's claims instead of the `prefillClaims` option. */
  claims?: readonly string[];
}

/** What `info` carries on success and failure (`passport.authenticate(name, (err, user, info) => …)`). */
export interface MojeIdAuthInfo {
  /**
   * Where the login started wanted to go back to (validated same-origin path); on a failure too,
   * once the callback has been matched to the login it finishes.
   */
  returnTo?: string;
  /** `'prefill'` when the round trip filled (or failed to fill) a form (docs/prefill.md). */
  purpose?: MojeIdPurpose;
  /** On failure: why, with a stable `code`. */
  error?: MojeIdError;
  message?: string;
  profile?: MojeIdProfile;
}


/**
 * Which step a route of `mojeid()` is, set on the options it passes to `passport.authenticate`:
 * the route decides, not the query (a login route opened with `?code=…&state=…` starts a login).
 * A symbol, so nothing a request carries can set it.
 */
export const ROUTE_STEP: unique symbol = Symbol('passport-mojeid-oidc route step');
export type RouteStep = 'start' | 'finish';

/** Passport's per-request outcome functions, attached to a delegate object (`Object.create(strategy)`). */
type Outcome = passport.StrategyCreatedStatic;

export class MojeIdStrategy implements passport.Strategy {
  readonly name: string;
  readonly config: MojeIdConfig;
  readonly provider: ProviderClient;
  /**
   * Renews a dynamic registration's secret before it expires (§5.1.3); present when a registration
   * access token or a credential store is configured. `close()` stops it.
   */
  readonly renewal: CredentialRenewal | undefined;
  // TS-private, not `#private`: Passport calls authenticate on Object.create(strategy), and
  // ES private fields are not reachable through the prototype chain.
  private readonly verify: AppVerify;
  private readonly warnings: OnceLogger;
  private readonly findUserByOpenId2Id: FindUserByOpenId2Id | undefined;
  private readonly prefillClaims: readonly string[];

  constructor(options: MojeIdStrategyOptions, verify: VerifyFunction);
  constructor(options: MojeIdStrategyOptions & { passReqToCallback: true }, verify: VerifyFunctionWithRequest);
  constructor(options: MojeIdStrategyOptions, verify: VerifyFunction | VerifyFunctionWithRequest) {
    if (typeof verify !== 'function') {
      throw new TypeError('MojeIdStrategy: the second argument must be a verify function (profile, done) => …');
    }
    const { name, passReqToCallback, onCredentialsRenewed, onRenewalError, renewalRetry, agents, logger, findUserByOpenId2Id, prefillClaims, ...configOptions } = options;
    this.name = name ?? 'mojeid';
    this.config = resolveConfig(configOptions);
    openId2ScopeIssue(this.config, findUserByOpenId2Id);
    this.findUserByOpenId2Id = findUserByOpenId2Id;
    this.prefillClaims = prefillClaimNames(prefillClaims, 'prefillClaims');
    this.renewal = renewalForConfig(this.config, { credentialStore: configOptions.credentialStore, onCredentialsRenewed, onRenewalError, renewalRetry });
    this.provider = new ProviderClient(this.config, { ...(this.renewal ? { credentials: this.renewal } : {}), ...(agents ? { agents } : {}) });
    this.verify = passReqToCallback ? { passReqToCallback: true, verify: verify as VerifyFunctionWithRequest } : { passReqToCallback: false, verify: verify as VerifyFunction };
    this.warnings = new OnceLogger(logger ?? consoleLogger);
  }

  /** Stops background work (secret renewal timers), so a process or test can exit. Idempotent. */
  close(): void {
    this.renewal?.close();
  }

  /** Passport calls this on a delegate carrying `success`, `fail`, `redirect`, `error`. */
  authenticate(this: passport.StrategyCreated<this>, req: Request, options: MojeIdAuthenticateOptions = {}): void {
    const self = this as unknown as MojeIdStrategy;
    const step = (options as { [ROUTE_STEP]?: RouteStep })[ROUTE_STEP];
    const finishing = step === undefined ? isCallbackRequest(req, self.config) : step === 'finish';
    // What the callback learnt of the login it finishes, so a failure page can retry the same kind.
    const attempt: Pick<MojeIdAuthInfo, 'returnTo' | 'purpose'> = {};
    const run = finishing ? self.finishLogin(req, this, attempt) : self.startLogin(req, options, this);
    run.catch((error: unknown) => {
      const failure = toMojeIdError(error, finishing ? 'callback' : 'login');
      if (isAuthenticationFailure(failure)) this.fail({ error: failure, message: failure.message, ...attempt } satisfies MojeIdAuthInfo, failure.status);
      else this.error(failure);
    });
  }

  /** Builds the authorization request (§5.1.6) and redirects the browser to mojeID. */
  private async startLogin(req: Request, options: MojeIdAuthenticateOptions, outcome: Outcome): Promise<void> {
    const config = this.config;
    // A prefill asks only for the form's claims (and logs nobody in, so it needs no refresh token).
    const prefillClaims = purposeOf(options.purpose) === 'prefill' ? (options.claims === undefined ? this.prefillClaims : prefillClaimNames(options.claims, 'claims')) : undefined;
    const { acrLevel, loginMethod, maxAge, prompt, uiLocales, offlineAccess } = combineLoginOptions(config, prefillClaims ? { ...options, offlineAccess: false } : options);
    const configuration = await this.provider.configuration();
    // openid-client's own helpers for the nonce and PKCE; the state is 32 random bytes as in its
    // randomState, with the issue time appended (state.ts). A single 96-byte read sliced three ways
    // and a node:crypto S256 hash were measured against these in the same benchmark runs and saved
    // nothing beyond the noise (docs/benchmarks.md, "Optimisations: kept or reverted").
    const state = newState(randomBytes(32));
    const nonce = oidc.randomNonce();
    const params: Record<string, string> = {
      response_type: 'code',
      redirect_uri: config.redirectUri,
      // `combineLoginOptions` has added `consent` to `prompt` for it (field notes).
      scope: prefillClaims ? 'openid' : (offlineAccess ? [...config.scope, 'offline_access'] : config.scope).join(' '),
      state,
      nonce,
    };
    let codeVerifier: string | undefined;
    if (config.pkce) {
      codeVerifier = oidc.randomPKCECodeVerifier();
      params['code_challenge'] = await oidc.calculatePKCECodeChallenge(codeVerifier);
      params['code_challenge_method'] = 'S256';
    }
    const claimsParameter = buildClaimsParameter(prefillClaims ? { ...config, scope: ['openid'], claims: prefillClaimRequest(config, prefillClaims) } : config);
    if (claimsParameter) params['claims'] = claimsParameter;
    // In the spelling the provider advertises: production lists `…/LoA/high`, the manual
    // `…/oidc/assurance_level/high` (§5.1.12); a provider ignores values it does not know.
    const acrValues = acrValuesFor({ ...(acrLevel ? { level: acrLevel } : {}), ...(loginMethod ? { loginMethod } : {}) }, configuration.serverMetadata().acr_values_supported);
    if (acrValues.length) params['acr_values'] = acrValues.join(' ');
    if (maxAge !== undefined) params['max_age'] = String(maxAge);
    if (prompt) params['prompt'] = prompt;
    if (uiLocales) params['ui_locales'] = uiLocales;

    addPendingLogin(
      req,
      {
        state,
        nonce,
        ...(codeVerifier ? { codeVerifier } : {}),
        returnTo: safeReturnTo(options.returnTo),
        ...(maxAge !== undefined ? { maxAge } : {}),
        ...(acrLevel ? { acrLevel } : {}),
        ...(loginMethod ? { loginMethod } : {}),
        ...(prefillClaims ? { purpose: 'prefill' as const, prefillClaims } : {}),
        createdAt: Date.now(),
      },
      config.maxPendingLogins,
      config.pendingLoginTtl,
    );
    this.warnAboutSessionCookie(req);
    outcome.redirect(oidc.buildAuthorizationUrl(configuration, params).href);
  }

  /**
   * A login started on a request whose session cookie will not come back with the callback fails
   * there as `state_mismatch`; saying why at the start, once per problem, points at the setting
   * before anyone looks at the callback.
   */
  private warnAboutSessionCookie(req: Request): void {
    const findings = cookieSettingProblems(req);
    const host = hostProblem(req, this.config.redirectUri);
    if (host) findings.push(host);
    for (const finding of findings) {
      this.warnings.warn(finding.problem, `login started, but its session cookie will not come back with the callback: ${finding.message}`, { problem: finding.problem });
    }
  }

  /** Validates the callback (§5.1.8-5.1.10) and hands the verified identity to `verify`. */
  private async finishLogin(req: Request, outcome: Outcome, attempt: Pick<MojeIdAuthInfo, 'returnTo' | 'purpose'> = {}): Promise<void> {
    const config = this.config;
    const params = parseCallbackQuery(req);
    const state = params.get('state');
    if (!state) {
      // Without state nothing binds this response to a login we started: an error response
      // from the provider is reported as such, anything else is refused.
      throw new StateMismatchError('no_state', 'the callback carries no state', 'A real callback from mojeID always has one: this URL was opened by hand or by a link');
    }
    const pending = takePendingLogin(req, state, config.pendingLoginTtl);
    if (!pending) throw diagnoseMissingLogin(req, state, { ttlSeconds: config.pendingLoginTtl, redirectUri: config.redirectUri });
    attempt.returnTo = pending.returnTo;
    if (pending.purpose) attempt.purpose = pending.purpose;
    const error = params.get('error');
    if (error !== null && !params.has('iss')) {
      // An error response; with `iss` present openid-client checks it first (RFC 9207).
      throw mapAuthorizationResponseError(error, params.get('error_description') ?? undefined);
    }

    let configuration = await this.provider.configurationForCallback();
    const currentUrl = new URL(config.redirectUri);
    currentUrl.search = params.toString();
    const exchange = (c: oidc.Configuration): ReturnType<typeof oidc.authorizationCodeGrant> =>
      oidc.authorizationCodeGrant(c, currentUrl, {
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
        ...(pending.codeVerifier ? { pkceCodeVerifier: pending.codeVerifier } : {}),
        ...(pending.maxAge !== undefined ? { maxAge: pending.maxAge } : {}),
      });
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await exchange(configuration);
    } catch (cause) {
      // §5.1.3: the secret may have been renewed while this login was under way (here or on another
      // instance). The provider authenticates the client before it looks at the code, so the code
      // is still unused: retry once with the newer credentials, if there are any.
      const renewed = isClientAuthenticationFailure(cause) ? await this.provider.configurationAfterClientRefusal(configuration) : undefined;
      if (!renewed) throw toMojeIdError(cause, 'token');
      configuration = renewed;
      try {
        tokens = await exchange(configuration);
      } catch (retryCause) {
        throw toMojeIdError(retryCause, 'token');
      }
    }
    const idToken = tokens.claims();
    if (!idToken || !tokens.id_token) throw toMojeIdError(new Error('the token response has no ID token'), 'token');
    // openid-client checks that iat is present; OIDC Core §3.1.3.7 point 10 lets us refuse one
    // from the future too (beyond the clock tolerance), which a replayed or forged token may carry.
    if (idToken.iat > Math.floor(Date.now() / 1000) + config.clockTolerance) {
      throw toMojeIdError(new Error('the ID token was issued in the future (iat)'), 'token');
    }

    const received = typeof idToken.acr === 'string' ? idToken.acr : undefined;
    if (pending.acrLevel && !acrSatisfies(idToken.acr, pending.acrLevel)) {
      const advertised = configuration.serverMetadata().acr_values_supported;
      throw new AssuranceLevelError(levelSpelling(pending.acrLevel, advertised), received, describeRequirement({ level: pending.acrLevel }));
    }
    if (pending.loginMethod && !acrSatisfiesLoginMethod(idToken.acr, pending.loginMethod)) {
      throw new AssuranceLevelError(LOGIN_METHOD_ACR[pending.loginMethod], received, describeRequirement({ loginMethod: pending.loginMethod }));
    }

    let userinfo: Record<string, unknown> | undefined;
    if (config.userinfo) {
      try {
        userinfo = { ...(await oidc.fetchUserInfo(configuration, tokens.access_token, idToken.sub)) };
      } catch (cause) {
        throw toMojeIdError(cause, 'userinfo');
      }
    }

    const { claims, problems } = normaliseClaims(mergeClaims(idToken, userinfo));
    const missing = Object.entries(pending.purpose === 'prefill' ? prefillClaimRequest(config, []) : config.claims)
      .filter(([name, requirement]) => requirement === 'essential' && (claims[name] === undefined || claims[name] === ''))
      .map(([name]) => name);
    if (missing.length) throw new MissingClaimsError(missing);
    const unmet = config.accept.filter((r: AccountRequirement) => claims[ACCOUNT_REQUIREMENT_CLAIMS[r]] !== true);
    if (unmet.length) throw new AccountNotAcceptedError(unmet);
    if (pending.purpose === 'prefill') {
      // Nobody logs in: no profile, no tokens kept, no verify, no OpenID 2.0 linking.
      await rotateSessionId(req);
      storePrefill(req, claims, pending.prefillClaims ?? [], config.pendingLoginTtl);
      req.res?.set('Cache-Control', 'no-store');
      outcome.redirect(pending.returnTo, 303);
      return;
    }

    const profile = buildProfile({
      claims,
      claimProblems: problems,
      idToken: { ...idToken },
      userinfo,
      tokens: {
        accessToken: tokens.access_token,
        idToken: tokens.id_token,
        tokenType: tokens.token_type,
        expiresIn: tokens.expiresIn(),
        refreshToken: tokens.refresh_token,
        scope: tokens.scope,
      },
    });
    if (this.findUserByOpenId2Id) {
      // §5.3.2: an OpenID 2.0 account not linked yet is found by its old identifier, checked first.
      const linked = await linkByOpenId2Id(this.findUserByOpenId2Id, { idToken, userinfo, issuer: config.issuer, profile });
      if (linked) {
        outcome.success(linked, { returnTo: pending.returnTo, profile });
        return;
      }
    }
    await callVerify(this.verify, req, profile, pending.returnTo, outcome);
  }
}

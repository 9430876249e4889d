/**
 * passport-mojeid-oidc: log in with mojeID (CZ.NIC) in Express apps.
 * The public API, and nothing else, is exported here.
 */
export { MojeIdStrategy } from './strategy.js';
export type {
  MojeIdStrategyOptions,
  MojeIdAuthenticateOptions,
  MojeIdAuthInfo,
  VerifyCallback,
  VerifyFunction,
  VerifyFunctionWithRequest,
} from './strategy.js';
export type { MojeIdProfile, MojeIdTokens } from './profile.js';
export { mojeid, defaultUser, pageSecurityHeaders } from './routes/index.js';
export type { MojeIdRouter, MojeIdRouterOptions, MojeIdSessionUser } from './routes/index.js';
export type { MojeIdHooks, MojeIdLogger, PassportInstance } from './routes/context.js';
export { requireMojeIdLogin } from './routes/guard.js';
export type { RequireLoginOptions } from './routes/guard.js';
export { csrfToken, verifyCsrf, csrfProtection } from './csrf.js';
export type { CsrfProtectionOptions } from './csrf.js';
export { loginButton, logoutForm } from './views/pages.js';
export type { LoginButtonOptions, LogoutFormOptions } from './views/pages.js';
export type { Locale } from './views/messages.js';
export {
  resolveConfig,
  optionsFromEnvironment,
  acrSatisfies,
  CONFIGURATION_SCHEMA,
  ASSURANCE_LEVEL_URIS,
  SUPPORTED_SCOPES,
} from './config.js';
export type {
  MojeIdOptions,
  MojeIdConfig,
  AssuranceLevel,
  ClaimRequirement,
  TokenEndpointAuthMethod,
  LocaleSetting,
  ConfigurationSchemaEntry,
} from './config.js';
export { ENVIRONMENTS, WHY_MOJEID_URL } from './environments.js';
export type { MojeIdEnvironmentName, MojeIdEndpoints } from './environments.js';
export {
  MojeIdError,
  ConfigurationError,
  ProviderUnavailableError,
  AuthorizationError,
  CallbackError,
  ResponseValidationError,
  AssuranceLevelError,
  MissingClaimsError,
  AccountNotAcceptedError,
  isMojeIdError,
} from './errors.js';
export type { MojeIdErrorCode, ConfigurationIssue, AccountRequirement } from './errors.js';
export { CLAIM_CATALOGUE, isMojeIdClaimName, claimDefinition } from './claims/catalogue.js';
export type { ClaimDefinition, MojeIdClaimName } from './claims/catalogue.js';
export type { MojeIdClaims, RawMojeIdClaims, MojeIdAddress } from './claims/types.js';
export { normaliseClaims } from './claims/normalise.js';
export type { ClaimProblem, NormalisationResult } from './claims/normalise.js';

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
// Offline access (docs/offline-access.md) and OpenID 2.0 migration (docs/migrating-from-openid2.md).
export { refreshMojeIdClaims, revokeMojeIdRefreshToken } from './offline-access.js';
export type { RefreshClaimsInput, RefreshedClaims, RevocationOutcome, StrategySource } from './offline-access.js';
export { sealToken, openSealedToken, parseTokenKey, tokenKeyFromEnvironment, TOKEN_KEY_VARIABLE } from './token-seal.js';
export type { SealOptions } from './token-seal.js';
export { verifiedOpenId2Id } from './openid2-migration.js';
export type { FindUserByOpenId2Id } from './openid2-migration.js';
// Filling a form from mojeID without an account (docs/prefill.md).
export { takeMojeIdPrefill, DEFAULT_PREFILL_CLAIMS } from './prefill.js';
export type { MojeIdPrefill, MojeIdPurpose } from './prefill.js';
export { mojeid } from './routes/index.js';
export type { MojeIdRouter, MojeIdRouterOptions } from './routes/index.js';
export { defaultUser } from './routes/default-user.js';
export type { MojeIdSessionUser } from './routes/default-user.js';
export { pageSecurityHeaders } from './routes/security-headers.js';
export type { MojeIdHooks, MojeIdLogger, PassportInstance } from './routes/context.js';
export { requireMojeIdLogin } from './routes/guard.js';
export { mojeIdLoginOf } from './login-record.js';
export type { MojeIdLoginRecord } from './login-record.js';
export {
  ASSURANCE_LEVELS,
  acrSatisfies,
  LOGIN_METHODS,
  LOGIN_METHOD_ACR,
  acrSatisfiesLoginMethod,
  parseLoginMethod,
} from './assurance.js';
export type { AssuranceLevel, LoginMethod } from './assurance.js';
export { REGISTRATION_STATUSES, NOTIFY_BODY_LIMIT } from './routes/account-creation.js';
export type {
  AccountCreationOptions,
  RegistrationNotification,
  RegistrationStatus,
  RegistrationRequest,
  NotificationDecision,
} from './routes/account-creation.js';
export {
  REGISTRATION_FIELDS,
  registrationFieldDefinition,
  validateRegistrationFields,
  renderRegistrationFieldTable,
} from './registration/fields.js';
export type {
  RegistrationData,
  RegistrationFieldDefinition,
  RegistrationFieldFormat,
  RegistrationFieldGroup,
  RegistrationFieldsResult,
  DroppedField,
  DroppedFieldReason,
} from './registration/fields.js';
export { MemoryRegistrationStore, RegistrationStoreFullError } from './registration/store.js';
export type { RegistrationStore, PendingRegistration, RegistrationVariant, MemoryRegistrationStoreOptions } from './registration/store.js';
export { RedisRegistrationStore } from './registration/redis-store.js';
export type { RedisCommandClient, RedisRegistrationStoreOptions, RedisConnectOptions } from './registration/redis-store.js';
export type { RequireLoginOptions } from './routes/guard.js';
export { csrfToken, verifyCsrf, csrfProtection } from './csrf.js';
export type { CsrfProtectionOptions } from './csrf.js';
export { loginButton, logoutForm } from './views/pages.js';
export type { LoginButtonOptions, LogoutFormOptions } from './views/pages.js';
export type { MojeIdRouterLoginButtonOptions } from './routes/login-page.js';
export { html, escapeHtml, trustedHtml, SafeHtml } from './views/html.js';
export type { Interpolation as HtmlInterpolation } from './views/html.js';
export { safeReturnTo } from './return-to.js';
export type { Locale } from './views/messages.js';
export {
  resolveConfig,
  optionsFromEnvironment,
  CONFIGURATION_SCHEMA,
  ASSURANCE_LEVEL_URIS,
  SUPPORTED_SCOPES,
} from './config.js';
export type {
  MojeIdOptions,
  MojeIdConfig,
  ClaimRequirement,
  TokenEndpointAuthMethod,
  LocaleSetting,
  ConfigurationSchemaEntry,
} from './config.js';
export { ENVIRONMENTS, WHY_MOJEID_URL, registrationClientUriFor } from './environments.js';
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
  RegistrationRefusedError,
  RegistrationNotificationError,
  StateMismatchError,
  PassportSetupError,
  RefreshTokenError,
  SealedTokenError,
  OpenId2MigrationError,
  isMojeIdError,
} from './errors.js';
export type { MojeIdErrorCode, ConfigurationIssue, AccountRequirement, NotificationRefusal, StateMismatchReason, OpenId2Refusal } from './errors.js';
export { CLAIM_CATALOGUE, isMojeIdClaimName, claimDefinition } from './claims/catalogue.js';
export type { ClaimDefinition, MojeIdClaimName } from './claims/catalogue.js';
export type { MojeIdClaims, RawMojeIdClaims, MojeIdAddress } from './claims/types.js';
export { normaliseClaims } from './claims/normalise.js';
export type { ClaimProblem, NormalisationResult } from './claims/normalise.js';
// Client registration with mojeID (§5.1.3): register, read, change, rotate, renew automatically.
export { registerClient } from './client-registration/register.js';
export { readClientRegistration, updateClientRegistration, rotateClientSecret } from './client-registration/configuration-endpoint.js';
export { clientSecretExpiresAt, clientSecretExpiresIn, isClientSecretExpired, clientSecretNeedsRenewal } from './client-registration/expiry.js';
export type { ClientMetadata, ClientMetadataChanges, ClientRegistration, ClientRegistrationOptions, RegistrationAccess } from './client-registration/types.js';
export { DEFAULT_CREDENTIALS_FILE } from './client-registration/credential-store.js';
export type { CredentialStore, CredentialStoreLock, StoredCredentials } from './client-registration/credential-store.js';
export { FileCredentialStore } from './client-registration/file-store.js';
export { RedisCredentialStore } from './client-registration/redis-store.js';
export type { RedisCallClient, RedisCredentialStoreOptions } from './client-registration/redis-store.js';
export { CredentialRenewal } from './client-registration/renewal.js';
export type {
  CredentialRenewalOptions,
  CredentialsRenewedEvent,
  RenewalErrorEvent,
  RenewalHooks,
  RenewalRetryOptions,
  KnownCredentials,
} from './client-registration/renewal.js';
export type { ClientCredentials, CredentialSource, ProviderAgents } from './provider.js';
export { ClientRegistrationError, RegistrationChangeRefusedError, CredentialStoreError } from './errors.js';
export type { NotifyPin } from './tls/notify-settings.js';

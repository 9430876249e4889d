/**
 * The part of `oidc-provider` (v9, untyped JavaScript) that the simulator uses. Only the
 * simulator imports `oidc-provider`, and none of these types appear in its public API, so the
 * published declarations never refer to this file.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface CookieOptions {
    httpOnly?: boolean;
    sameSite?: 'lax' | 'strict' | 'none';
    signed?: boolean;
    path?: string;
    overwrite?: boolean;
  }

  export interface KoaCookies {
    get(name: string, options?: CookieOptions): string | undefined;
    set(name: string, value: string | null, options?: CookieOptions): unknown;
  }

  /** The OIDC request context oidc-provider puts on `ctx.oidc` once a route matched. */
  export interface OIDCContext {
    readonly route?: string;
    readonly client?: { readonly clientId: string };
    /** The authorization request's parameters (authorization routes). */
    readonly params?: Record<string, unknown>;
    /** The parsed `claims` request parameter, with `acr_values` merged into `id_token.acr`. */
    readonly claims?: { readonly id_token?: Record<string, unknown>; readonly userinfo?: Record<string, unknown> };
    /** The browser's session (authorization routes); its `acr` and `amr` go into codes and tokens. */
    readonly session?: { readonly accountId?: string; acr?: string; amr?: string[] };
    /** The grant behind the token or the authorization being processed. */
    readonly grant?: { readonly jti: string };
  }

  /** The bits of a koa context the simulator's middlewares read or change. */
  export interface KoaContext {
    readonly method: string;
    /** Writable: koa re-targets the request when it is set. */
    path: string;
    readonly query: Record<string, string | string[] | undefined>;
    status: number;
    body: unknown;
    type: string;
    readonly req: IncomingMessage;
    readonly res: ServerResponse;
    readonly cookies: KoaCookies;
    readonly state: Record<string, unknown>;
    readonly oidc?: OIDCContext;
    get(field: string): string;
    set(field: string, value: string): void;
    remove(field: string): void;
  }

  export type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

  export interface InteractionDetails {
    readonly uid: string;
    readonly prompt: {
      readonly name: string;
      readonly reasons: readonly string[];
      readonly details: Record<string, unknown>;
    };
    readonly params: Record<string, unknown>;
    readonly session?: { readonly accountId: string; readonly uid: string };
    readonly grantId?: string;
    readonly returnTo: string;
  }

  export interface InteractionResults {
    login?: { accountId: string; acr?: string; amr?: string[]; remember?: boolean };
    consent?: { grantId: string };
    error?: string;
    error_description?: string;
  }

  export interface Grant {
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: readonly string[]): void;
    rejectOIDCClaims(claims: readonly string[]): void;
    save(): Promise<string>;
  }

  export interface ClientModel {
    readonly clientId: string;
    readonly clientName?: string;
    readonly clientAuthMethod: string;
  }

  export const errors: {
    InvalidClientAuth: new (detail: string) => Error;
    InvalidClientMetadata: new (description: string) => Error;
  };

  export interface SessionModel {
    readonly accountId?: string;
    destroy(): Promise<void>;
  }

  export interface Account {
    accountId: string;
    claims(use: string, scope: string, claims: unknown, rejected: readonly string[]): Promise<Record<string, unknown>>;
  }

  /** Storage interface of oidc-provider models (Session, Grant, AccessToken, Client, ...). */
  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export interface AdapterPayload {
    [key: string]: unknown;
    uid?: string;
    grantId?: string;
    userCode?: string;
    consumed?: number;
  }

  /** One reason to show a prompt; `check` answers whether it is needed. */
  export interface Check {
    readonly reason: string;
  }

  export interface Prompt {
    readonly name: string;
    readonly checks: { remove(reason: string): void; push(...checks: Check[]): number };
  }

  export interface InteractionPolicy extends Array<Prompt> {
    get(name: string): Prompt | undefined;
  }

  export const interactionPolicy: {
    base(): InteractionPolicy;
    Check: new (reason: string, description: string, check: (ctx: KoaContext) => boolean | Promise<boolean>) => Check;
  };

  export interface ErrorOut {
    readonly error: string;
    readonly error_description?: string;
    readonly [key: string]: unknown;
  }

  /** Provider configuration; only the callbacks the simulator supplies are typed. */
  export interface Configuration {
    [key: string]: unknown;
    adapter?: (name: string) => Adapter;
    findAccount?: (ctx: KoaContext, sub: string) => Promise<Account | undefined>;
    renderError?: (ctx: KoaContext, out: ErrorOut, error: Error) => Promise<void>;
    clientBasedCORS?: (ctx: KoaContext, origin: string, client: { redirectUris: readonly string[] }) => boolean;
    interactions?: { policy: InteractionPolicy; url: (ctx: KoaContext, interaction: { uid: string }) => Promise<string> };
  }

  export default class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    readonly Grant: new (properties: { accountId: string; clientId: string }) => Grant;
    readonly Session: { find(id: string): Promise<SessionModel | undefined> };
    readonly Client: {
      validate(metadata: Record<string, unknown>): Promise<void>;
      find(id: string): Promise<ClientModel | undefined>;
    };
    readonly RegistrationAccessToken: { find(value: string): Promise<{ readonly clientId: string } | undefined> };
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    use(middleware: Middleware): this;
    on(event: string, listener: (ctx: KoaContext, error: Error & { error_detail?: string }) => void): this;
    createContext(req: IncomingMessage, res: ServerResponse): KoaContext;
    cookieName(type: 'session' | 'interaction' | 'resume'): string;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: InteractionResults,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
  }
}

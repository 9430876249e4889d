/**
 * The oidc-provider types the simulator's modules share, from `@types/oidc-provider`: the koa
 * context oidc-provider hands to its callbacks and middlewares, and such a middleware.
 *
 * @module
 */
import type { KoaContextWithOIDC } from 'oidc-provider';

export type { KoaContextWithOIDC as OidcContext } from 'oidc-provider';

/** A middleware for `provider.use()`: it sees `ctx.oidc` once oidc-provider matched a route. */
export type OidcMiddleware = (ctx: KoaContextWithOIDC, next: () => Promise<unknown>) => Promise<unknown>;

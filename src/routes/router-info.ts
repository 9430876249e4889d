/**
 * What `requireMojeIdLogin()` needs to know of the `mojeid()` router in front of it (where its
 * login page is, the clock tolerance, how it answers a failure), without the app repeating it: the
 * router puts it on each request it sees, even those it passes on, so a guard follows a custom
 * `mountPath` and its error pages go through the router's hooks.
 */
import type { Request, Response } from 'express';
import type { MojeIdError } from '../errors.js';
import type { RouteContext } from './context.js';

const KEY = Symbol.for('passport-mojeid-oidc.router-info');

export interface RouterInfo {
  readonly paths: RouteContext['paths'];
  readonly clockTolerance: number;
  /** The router's error answer: its logger, `onError`, `renderError` and `localeOf` apply. */
  readonly sendError: (req: Request, res: Response, error: MojeIdError) => void;
}

export function attachRouterInfo(req: Request, info: RouterInfo): void {
  (req as unknown as Record<symbol, RouterInfo>)[KEY] = info;
}

export function routerInfoOf(req: Request): RouterInfo | undefined {
  return (req as unknown as Record<symbol, RouterInfo | undefined>)[KEY];
}

/**
 * POST <mount>/register (CSRF-protected): starts the creation of a mojeID account prefilled with
 * the local user's data (§6.1, Appendix 5, Appendix 7 point 7b). The data come from the app's
 * `registrationData(req)`, are checked against Appendix 5 (invalid ones dropped and reported),
 * a fresh unguessable `registration_nonce` is stored with the local user it belongs to, and the
 * browser is handed a form that goes to mojeID's registration endpoint with `realm` = client_id.
 *
 * GET <mount>/assets/mojeid-register.js: the form's auto-submit, as an external script because
 * the page's CSP allows no inline script.
 */
import { randomBytes } from 'node:crypto';
import express, { Router, type Request, type Response } from 'express';
import { verifyCsrf } from '../csrf.js';
import { toMojeIdError } from '../error-mapping.js';
import { MojeIdError, RegistrationRefusedError } from '../errors.js';
import { validateRegistrationFields } from '../registration/fields.js';
import { RegistrationStoreFullError, type RegistrationStore, type RegistrationVariant } from '../registration/store.js';
import { REGISTER_SCRIPT, registrationPage } from '../views/registration.js';
import type { AccountCreationOptions, RegistrationRequest } from './account-creation.js';
import { localeFor, type RouteContext } from './context.js';
import { routeErrors, sendError } from './error-response.js';

export const REGISTER_SCRIPT_PATH = '/assets/mojeid-register.js';

/**
 * The page's own CSP: the external script from us, the form to mojeID. `form-action` names the
 * endpoint's origin and `https:`, because Chromium applies it to redirects after the POST too, and
 * mojeID's registration may move between its hosts (§6.1 names direct.mojeid.cz, §8.2 mojeid.cz).
 */
function registrationCsp(action: string): string {
  const origin = new URL(action).origin;
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `form-action ${origin} https:`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

function bodyField(req: Request, name: string): string | undefined {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

export function registerRouter(ctx: RouteContext, options: AccountCreationOptions, store: RegistrationStore): Router {
  const router = Router();
  const scriptUrl = `${ctx.config.mountPath}${REGISTER_SCRIPT_PATH}`;

  router.get(REGISTER_SCRIPT_PATH, (_req: Request, res: Response) => {
    res.set('Cache-Control', 'public, max-age=86400');
    res.type('text/javascript').send(REGISTER_SCRIPT);
  });

  router.post('/register', express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 20 }), async (req: Request, res: Response) => {
    try {
      verifyCsrf(req, ctx.config.baseUrl);
      const variantText = bodyField(req, 'variant') ?? 'registration';
      if (variantText !== 'registration' && variantText !== 'transfer') {
        throw new RegistrationRefusedError(`unknown variant ${JSON.stringify(variantText.slice(0, 40))}; expected registration or transfer`, 400);
      }
      const variant: RegistrationVariant = variantText;
      if (variant === 'transfer' && !ctx.config.accountTransfer) {
        throw new RegistrationRefusedError('the transfer variant is off (MOJEID_ACCOUNT_TRANSFER)', 400);
      }

      let request: RegistrationRequest | undefined;
      try {
        request = await options.registrationData(req);
      } catch (cause) {
        throw toMojeIdError(cause, 'registration-data');
      }
      if (!request || typeof request.localUser !== 'string' || request.localUser.length === 0) {
        throw new RegistrationRefusedError('registrationData gave no local user for this request (not logged in, or already linked)');
      }

      const { fields, dropped } = validateRegistrationFields(request.data ?? {});
      if (dropped.length) {
        // Names and reasons only: the values are personal data.
        ctx.logger.warn('registration fields dropped (Appendix 5)', { fields: dropped.map((d) => `${d.field}:${d.reason}`).join(',') });
        try {
          options.onFieldsDropped?.(dropped, req);
        } catch {
          // A faulty hook must not stop the account creation.
        }
      }
      let sent: Record<string, string> = fields;
      if (variant === 'transfer') {
        // §6.1: a transfer ignores the data and uses the registry contact id as the username.
        if (!fields['username']) throw new RegistrationRefusedError('the transfer variant needs the registry contact id as a valid `username`', 400);
        sent = { username: fields['username'] };
      }

      const registrationNonce = randomBytes(32).toString('base64url');
      const now = Date.now();
      try {
        await store.save({ registrationNonce, localUser: request.localUser, variant, createdAt: now, expiresAt: now + ctx.config.accountRegistrationTtl * 1000 });
      } catch (cause) {
        if (cause instanceof RegistrationStoreFullError) {
          // Refused, not made room for: evicting would cancel other users' account creations.
          ctx.logger.warn('registration_store_full: account creation refused', { limit: cause.limit });
          throw cause;
        }
        throw new MojeIdError('registration_unavailable', 'the registration store could not save the registration_nonce', { status: 503, cause });
      }

      const action = variant === 'transfer' ? ctx.config.endpoints.transferUrl : ctx.config.endpoints.registrationUrl;
      const locale = localeFor(ctx, req);
      res.set('Cache-Control', 'no-store');
      res.set('Content-Security-Policy', registrationCsp(action));
      res.type('html').send(
        registrationPage({
          locale,
          title: locale === 'cs' ? 'Založení účtu mojeID' : 'Create a mojeID account',
          stylesheetUrl: ctx.paths.stylesheet,
          action,
          // §6.1: realm = client_id for OpenID Connect; registration_nonce matches the notification.
          fields: [['realm', ctx.config.clientId], ['registration_nonce', registrationNonce], ...Object.entries(sent)],
          dropped: variant === 'transfer' ? [] : dropped,
          scriptUrl,
        }),
      );
    } catch (error) {
      sendError(ctx, req, res, error, 'register');
    }
  }, routeErrors(ctx, 'register'));
  return router;
}

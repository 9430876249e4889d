/**
 * POST <mount>/notify: mojeID's server-to-server notification about an account created from this
 * app (`REGISTERED`, §6.2) and its later status changes (§6.3). What it checks, in order, and how
 * it answers (key-value form of §6.3: `mode:accept\n` or `mode:reject\nreason:…\n`):
 *
 * 1. the sender is mojeID: a client certificate chained to the configured CZ.NIC CA, within its
 *    validity, on a connection Node authorised; or a trusted proxy's verification header; or the
 *    explicit plain-HTTP test mode (`tls/client-cert.ts`). Otherwise 403, before the body is read;
 * 2. the body is at most `NOTIFY_BODY_LIMIT` bytes (else 413) of form parameters, each at most
 *    once (else 400); unknown parameters are ignored;
 * 3. `status` is one of the four values, `sub` is present (else `mode:reject`);
 * 4. for `REGISTERED`, the `registration_nonce` is one we issued and have not consumed: consumed
 *    here, atomically, so of any number of concurrent deliveries exactly one gets past this;
 *    for a status change, the delivery is recorded so a repeat is recognised (§6.3);
 * 5. the app's `onNotification` decides.
 *
 * A failed check changes nothing. If the app's hook throws, the nonce (or delivery record) is put
 * back and the answer is a 500 without a key-value body, so mojeID tries its next address or
 * repeats later (§6.3). Logs carry the refusal code, never the nonce.
 */
import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { RegistrationNotificationError, type NotificationRefusal } from '../errors.js';
import type { PendingRegistration, RegistrationStore } from '../registration/store.js';
import { checkNotificationTransport, normaliseAddress, proxyBlockList } from '../tls/client-cert.js';
import {
  DELIVERY_MEMORY_SECONDS,
  NOTIFY_BODY_LIMIT,
  REGISTRATION_STATUSES,
  decisionOf,
  type AccountCreationOptions,
  type RegistrationNotification,
  type RegistrationStatus,
} from './account-creation.js';
import type { RouteContext } from './context.js';

/** `sub` values are short identifiers (the test accounts' are 12 digits); printable ASCII only. */
const SUB = /^[\x21-\x7e]{1,255}$/;
const NONCE = /^[\x21-\x7e]{1,512}$/;

/** The key-value answer of §6.3. A reason never spans lines (the form is line-based). */
function keyValue(mode: 'accept' | 'reject', reason?: string): string {
  if (mode === 'accept') return 'mode:accept\n';
  // eslint-disable-next-line no-control-regex
  const clean = (reason ?? '').replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim().slice(0, 200);
  return clean ? `mode:reject\nreason:${clean}\n` : 'mode:reject\n';
}

function send(res: Response, status: number, body: string): void {
  res.status(status).set('Cache-Control', 'no-store').type('text/plain; charset=utf-8').send(body);
}

export function notifyRouter(ctx: RouteContext, options: AccountCreationOptions, store: RegistrationStore): Router {
  const router = Router();
  const config = ctx.config;
  const proxies = config.notifyTrustedProxies.length ? proxyBlockList(config.notifyTrustedProxies) : undefined;
  const transportOptions = {
    ca: config.notifyCa,
    trustedProxies: config.notifyTrustedProxies,
    proxyHeader: config.notifyProxyHeader,
    insecureTestMode: config.notifyInsecureTestMode,
  };
  // mojeID posts form parameters; whatever Content-Type it is labelled with, nothing else is read.
  const parseBody: RequestHandler = express.urlencoded({ extended: false, limit: NOTIFY_BODY_LIMIT, parameterLimit: 50, type: () => true });

  const refuse = (req: Request, res: Response, refusal: NotificationRefusal, detail: string, status: number, reason: string): void => {
    const error = new RegistrationNotificationError(refusal, `registration notification refused: ${detail}`, status);
    ctx.logger.warn(`notification_refused: ${refusal}: ${detail}`, { status, remote: normaliseAddress(req.socket.remoteAddress) });
    try {
      ctx.hooks.onError?.(error, req);
    } catch {
      // A faulty hook must not change the answer.
    }
    send(res, status, keyValue('reject', reason));
  };

  router.post('/notify', (req: Request, res: Response, next: NextFunction) => {
    const transport = checkNotificationTransport(req.socket, (name) => req.get(name), transportOptions, proxies);
    if (!transport.ok) {
      refuse(req, res, transport.refusal, transport.detail, 403, transport.refusal === 'certificate_invalid' ? 'client certificate not accepted' : 'client certificate required');
      return;
    }
    parseBody(req, res, (parseError?: unknown) => {
      if (parseError) {
        const type = (parseError as { type?: unknown }).type;
        if (type === 'entity.too.large') refuse(req, res, 'body_too_large', `body larger than ${NOTIFY_BODY_LIMIT} bytes`, 413, 'request too large');
        else refuse(req, res, 'malformed', `the body does not parse (${String(type ?? 'unknown')})`, 400, 'malformed notification');
        return;
      }
      handle(req, res, transport.via).catch(next);
    });
  });

  /**
   * A 500 without a key-value body: §6.3 sends the message to the next address when no answer
   * "in the correct format" comes, and repeats status changes, so a passing failure heals itself.
   */
  function temporaryFailure(req: Request, res: Response, detail: string, status: RegistrationStatus): void {
    ctx.logger.warn(`notification_failed: ${detail}`, { status });
    try {
      ctx.hooks.onError?.(new RegistrationNotificationError('temporary_failure', `registration notification not handled: ${detail}`, 500), req);
    } catch {
      // ignored
    }
    res.status(500).set('Cache-Control', 'no-store').type('text/plain; charset=utf-8').send('temporary failure\n');
  }

  async function handle(req: Request, res: Response, via: RegistrationNotification['via']): Promise<void> {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const text = (name: string): string | undefined | null => {
      const value = body[name];
      if (value === undefined) return undefined;
      return typeof value === 'string' ? value : null; // null: repeated parameter
    };
    const status = text('status');
    const sub = text('sub');
    const nonce = text('registration_nonce');
    if (status === null || sub === null || nonce === null) {
      refuse(req, res, 'malformed', 'a parameter was sent more than once', 400, 'malformed notification');
      return;
    }
    if (sub === undefined || !SUB.test(sub)) {
      refuse(req, res, 'malformed', 'sub is missing or not a printable identifier', 400, 'malformed notification');
      return;
    }
    if (status === undefined || !(REGISTRATION_STATUSES as readonly string[]).includes(status)) {
      refuse(req, res, 'unknown_status', 'status is not REGISTERED, CONDITIONALLY_IDENTIFIED, IDENTIFIED or VALIDATED', 200, 'unknown status');
      return;
    }
    const notificationStatus = status as RegistrationStatus;

    let registration: PendingRegistration | undefined;
    let deliveryKey: string | undefined;
    let repeat = false;
    if (notificationStatus === 'REGISTERED') {
      if (nonce === undefined || !NONCE.test(nonce)) {
        refuse(req, res, 'malformed', 'REGISTERED without a usable registration_nonce', 400, 'malformed notification');
        return;
      }
      try {
        registration = await store.consume(nonce);
      } catch {
        temporaryFailure(req, res, 'the registration store failed', notificationStatus);
        return;
      }
      if (!registration) {
        refuse(req, res, 'unknown_nonce', 'registration_nonce unknown, expired or already used', 200, 'unknown registration_nonce');
        return;
      }
    } else {
      // §6.3: status changes carry sub and status only, and are repeated until answered.
      deliveryKey = `${sub}\n${notificationStatus}`;
      try {
        repeat = !(await store.markDelivered(deliveryKey, DELIVERY_MEMORY_SECONDS));
      } catch {
        temporaryFailure(req, res, 'the registration store failed', notificationStatus);
        return;
      }
    }

    const notification: RegistrationNotification = Object.freeze({
      sub,
      status: notificationStatus,
      localUser: registration?.localUser,
      repeat,
      variant: registration?.variant,
      via,
    });
    let decision: { accept: boolean; reason: string | undefined };
    try {
      decision = decisionOf(await options.onNotification(notification, req));
    } catch {
      // Put back what this delivery used up, so the next address or the next repeat can succeed.
      try {
        if (registration && registration.expiresAt > Date.now()) await store.save(registration);
        if (deliveryKey) await store.forgetDelivered(deliveryKey);
      } catch {
        // The store failing too: the nonce stays consumed and a repeat will be rejected.
      }
      temporaryFailure(req, res, 'onNotification threw', notificationStatus);
      return;
    }
    if (decision.accept) {
      send(res, 200, keyValue('accept'));
      return;
    }
    ctx.logger.warn('notification_rejected_by_app', { status: notificationStatus });
    send(res, 200, keyValue('reject', decision.reason ?? 'rejected'));
  }
  return router;
}

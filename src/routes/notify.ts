/**
 * POST <mount>/notify: mojeID's server-to-server notification about an account created from this
 * app (`REGISTERED`, §6.2) and its later status changes (§6.3).
 *
 * Two kinds of answer, because §6.3 gives them different consequences: an answer "in the correct
 * format" (key-value, `mode:accept\n` or `mode:reject\nreason:…\n`) ends the delivery, while
 * anything else sends the message "to another address … until a response is obtained", and a
 * status change is repeated for six hours. `REGISTERED` is sent only once (§6.3), so a
 * `mode:reject` for it loses the account link for good. `mode:reject` is therefore kept for
 * decisions about the content: the app's `onNotification` says no, or the nonce was already used
 * for another `sub`. Whatever may be our fault or another instance's business (no or an
 * unaccepted certificate, a proxy we do not trust, a body we cannot read, a status we do not
 * know, a nonce this instance's store does not hold, a store or hook failure) is answered with a
 * 4xx/5xx status and plain text, so mojeID tries the next of the `assertion_uris`.
 *
 * What it checks, in order:
 *
 * 1. the sender is mojeID: a client certificate chained to the configured CZ.NIC CA, within its
 *    validity, on a connection Node authorised (and matching the pins, when set); or a trusted
 *    proxy's verification; or the explicit plain-HTTP test mode (`tls/client-cert.ts`). Otherwise
 *    403, before the body is read;
 * 2. the body is at most `NOTIFY_BODY_LIMIT` bytes (else 413) of form parameters, each at most
 *    once (else 400); unknown parameters are ignored;
 * 3. `status` is one of the four values and `sub` is present (else 400);
 * 4. for `REGISTERED`, the `registration_nonce` is one we issued and have not consumed: consumed
 *    here, atomically, so of any number of concurrent deliveries exactly one gets past this. A
 *    nonce this store never held is 404; one consumed for another `sub` is `mode:reject`; one
 *    consumed for this `sub` (mojeID repeating after a lost answer) gets the earlier decision
 *    again, or 409 while that is still being made;
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

/**
 * How a refusal is answered: `reject` in the key-value form (mojeID stops, §6.3), or `retry` with
 * a plain-text body that is not in that form (mojeID tries the next address, §6.3).
 */
type Answer = 'reject' | 'retry';

/** The store's records of a consumed nonce (under the delivery records; see `earlierUse`). */
const usedKey = (nonce: string): string => `registration_nonce\n${nonce}`;
const usedByKey = (nonce: string, sub: string): string => `registration_nonce\n${nonce}\n${sub}`;
const decidedKey = (nonce: string, sub: string, mode: 'accept' | 'reject'): string => `registration_nonce\n${nonce}\n${sub}\n${mode}`;

export function notifyRouter(ctx: RouteContext, options: AccountCreationOptions, store: RegistrationStore): Router {
  const router = Router();
  const config = ctx.config;
  const proxies = config.notifyTrustedProxies.length ? proxyBlockList(config.notifyTrustedProxies) : undefined;
  const transportOptions = {
    ca: config.notifyCa,
    pins: config.notifyPins,
    trustedProxies: config.notifyTrustedProxies,
    proxyHeader: config.notifyProxyHeader,
    proxyCertHeader: config.notifyProxyCertHeader,
    proxyVerdictOnly: config.notifyProxyVerdictOnly,
    insecureTestMode: config.notifyInsecureTestMode,
  };
  // mojeID posts form parameters; whatever Content-Type it is labelled with, nothing else is read.
  const parseBody: RequestHandler = express.urlencoded({ extended: false, limit: NOTIFY_BODY_LIMIT, parameterLimit: 50, type: () => true });

  const refuse = (req: Request, res: Response, refusal: NotificationRefusal, detail: string, status: number, reason: string, answer: Answer = 'retry'): void => {
    const error = new RegistrationNotificationError(refusal, `registration notification refused: ${detail}`, status);
    ctx.logger.warn(`notification_refused: ${refusal}: ${detail}`, { status, remote: normaliseAddress(req.socket.remoteAddress) });
    try {
      ctx.hooks.onError?.(error, req);
    } catch {
      // A faulty hook must not change the answer.
    }
    send(res, status, answer === 'reject' ? keyValue('reject', reason) : `${reason}\n`);
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
      // Not ours to refuse for good: a status this version does not know may be one a newer
      // instance behind another address handles, and status changes are repeated (§6.3).
      refuse(req, res, 'unknown_status', 'status is not REGISTERED, CONDITIONALLY_IDENTIFIED, IDENTIFIED or VALIDATED', 400, 'unknown status');
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
        let earlier: EarlierUse;
        try {
          earlier = await earlierUse(nonce, sub);
        } catch {
          temporaryFailure(req, res, 'the registration store failed', notificationStatus);
          return;
        }
        answerEarlierUse(req, res, earlier);
        return;
      }
      try {
        await store.markDelivered(usedKey(nonce), DELIVERY_MEMORY_SECONDS);
        await store.markDelivered(usedByKey(nonce, sub), DELIVERY_MEMORY_SECONDS);
      } catch {
        await putBack(registration, nonce, sub, undefined);
        temporaryFailure(req, res, 'the registration store failed', notificationStatus);
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
      await putBack(registration, nonce, sub, deliveryKey);
      temporaryFailure(req, res, 'onNotification threw', notificationStatus);
      return;
    }
    if (registration && nonce !== undefined) {
      // Remembered so that mojeID repeating this delivery after a lost answer gets it again.
      // Best effort: without the record the repeat is answered 409, outside the key-value form.
      await store.markDelivered(decidedKey(nonce, sub, decision.accept ? 'accept' : 'reject'), DELIVERY_MEMORY_SECONDS).catch(() => undefined);
    }
    if (decision.accept) {
      send(res, 200, keyValue('accept'));
      return;
    }
    ctx.logger.warn('notification_rejected_by_app', { status: notificationStatus });
    send(res, 200, keyValue('reject', decision.reason ?? 'rejected'));
  }

  async function putBack(registration: PendingRegistration | undefined, nonce: string | undefined, sub: string, deliveryKey: string | undefined): Promise<void> {
    try {
      if (registration && nonce !== undefined) {
        await store.forgetDelivered(usedByKey(nonce, sub));
        await store.forgetDelivered(usedKey(nonce));
        if (registration.expiresAt > Date.now()) await store.save(registration);
      }
      if (deliveryKey) await store.forgetDelivered(deliveryKey);
    } catch {
      // The store failing too: the nonce stays consumed, and the next delivery of it is 409.
    }
  }

  /**
   * Whether a record is there, leaving none behind: `markDelivered` is the only test-and-set every
   * `RegistrationStore` has, so a custom store needs nothing more. Should a probe race the record
   * being written and remove it, the cost is a repeat answered 409 instead of its decision.
   */
  async function recorded(key: string): Promise<boolean> {
    if (!(await store.markDelivered(key, 1))) return true;
    await store.forgetDelivered(key);
    return false;
  }

  /** What became of a nonce `consume` did not return. */
  async function earlierUse(nonce: string, sub: string): Promise<EarlierUse> {
    if (!(await recorded(usedKey(nonce)))) return 'unknown';
    if (!(await recorded(usedByKey(nonce, sub)))) return 'other_sub';
    if (await recorded(decidedKey(nonce, sub, 'accept'))) return 'accepted';
    if (await recorded(decidedKey(nonce, sub, 'reject'))) return 'rejected';
    return 'in_progress';
  }

  function answerEarlierUse(req: Request, res: Response, earlier: EarlierUse): void {
    switch (earlier) {
      case 'unknown':
        // Expired, replaced by the user's newer start, or issued by an instance with another
        // store: 404 outside the key-value form, so mojeID goes on to the next address (§6.3),
        // which may be the instance that holds it. Not a 5xx: nothing here will heal by retrying
        // this address.
        refuse(req, res, 'unknown_nonce', 'registration_nonce unknown here: never issued by this store, expired or replaced', 404, 'unknown registration_nonce');
        return;
      case 'other_sub':
        // A decision about the content: this nonce already linked another mojeID account.
        refuse(req, res, 'unknown_nonce', 'registration_nonce already used for another sub', 200, 'registration_nonce already used', 'reject');
        return;
      case 'accepted':
        ctx.logger.warn('notification_repeated: REGISTERED answered again with the earlier decision', { status: 'REGISTERED' });
        send(res, 200, keyValue('accept'));
        return;
      case 'rejected':
        ctx.logger.warn('notification_repeated: REGISTERED answered again with the earlier decision', { status: 'REGISTERED' });
        send(res, 200, keyValue('reject', 'rejected'));
        return;
      case 'in_progress':
        refuse(req, res, 'unknown_nonce', 'registration_nonce being handled by another delivery', 409, 'registration_nonce being handled');
        return;
    }
  }
  return router;
}

type EarlierUse = 'unknown' | 'other_sub' | 'accepted' | 'rejected' | 'in_progress';

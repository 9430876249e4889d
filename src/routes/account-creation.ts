/**
 * What an app gives `mojeid({ accountCreation })` to let its users create a mojeID account
 * prefilled with their local data (ch. 6, Appendix 7 point 7b), and what it is told when mojeID
 * reports the new account and its later status changes.
 */
import type { Request } from 'express';
import type { DroppedField, RegistrationData } from '../registration/fields.js';
import type { RegistrationStore, RegistrationVariant } from '../registration/store.js';

/** §6.2 (`REGISTERED`) and §6.3 (status changes, full access only). */
export const REGISTRATION_STATUSES = ['REGISTERED', 'CONDITIONALLY_IDENTIFIED', 'IDENTIFIED', 'VALIDATED'] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];

/** One notification from mojeID that passed every check, for the app to decide on. */
export interface RegistrationNotification {
  /** The new account's mojeID identifier, the `sub` of its future logins. */
  readonly sub: string;
  readonly status: RegistrationStatus;
  /**
   * The local user the account was created for (what `registrationData` returned) on
   * `REGISTERED`. Status changes carry no `registration_nonce` (§6.3), so there it is
   * `undefined`: find the local user by `sub`, which the app stored when it accepted `REGISTERED`.
   */
  readonly localUser: string | undefined;
  /**
   * `true` when this status was already delivered for this `sub` (§6.3 repeats a status change
   * every five minutes for six hours until it is accepted or refused, so an answer lost on the
   * way brings it again). Always `false` for `REGISTERED`, whose nonce is good for one delivery.
   */
  readonly repeat: boolean;
  /** `registration` or `transfer` on `REGISTERED`; `undefined` on status changes. */
  readonly variant: RegistrationVariant | undefined;
  /** How the sender was authenticated. */
  readonly via: 'tls' | 'proxy' | 'insecure_test_mode';
}

/**
 * `true` / `{ accept: true }` answers `mode:accept`; `false` / `{ accept: false, reason }` answers
 * `mode:reject` with the reason (§6.3). Throwing answers 500 without a key-value body, so mojeID
 * tries the next address or repeats later (§6.3), and the nonce or delivery is not used up.
 */
export type NotificationDecision = boolean | { readonly accept: true } | { readonly accept: false; readonly reason?: string };

/** Who is creating an account, and the data to prefill (Appendix 5 field names). */
export interface RegistrationRequest {
  /** The app's identifier of the local user; comes back on the `REGISTERED` notification. */
  readonly localUser: string;
  readonly data?: RegistrationData;
}

export interface AccountCreationOptions {
  /**
   * The local user behind this request and their data, from the server side (`req.user`, the
   * database), never from the request body: whoever controls `localUser` decides which local
   * account the new mojeID identity gets linked to. `undefined` refuses (not logged in, already
   * linked).
   */
  registrationData(req: Request): RegistrationRequest | undefined | Promise<RegistrationRequest | undefined>;
  /** Decides on a notification that passed every check. */
  onNotification(notification: RegistrationNotification, req: Request): NotificationDecision | Promise<NotificationDecision>;
  /** Where nonces wait. Default: a `MemoryRegistrationStore` (one process only). */
  store?: RegistrationStore;
  /** Told which fields were not sent and why (they are also logged, by name and reason only). */
  onFieldsDropped?(dropped: readonly DroppedField[], req: Request): void;
}

/** Request bodies of notifications are tiny (three parameters); anything far larger is refused. */
export const NOTIFY_BODY_LIMIT = 4096;

/** §6.3: status changes are repeated for six hours; a delivery is remembered a little longer. */
export const DELIVERY_MEMORY_SECONDS = 7 * 60 * 60;

export function decisionOf(decision: NotificationDecision): { accept: boolean; reason: string | undefined } {
  if (decision === true) return { accept: true, reason: undefined };
  if (decision === false) return { accept: false, reason: undefined };
  if (decision && typeof decision === 'object' && typeof decision.accept === 'boolean') {
    return { accept: decision.accept, reason: decision.accept ? undefined : decision.reason };
  }
  throw new TypeError('onNotification must return true, false, { accept: true } or { accept: false, reason }');
}

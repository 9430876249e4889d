/**
 * Account creation in the simulator (ch. 6): the endpoints an app's form is POSTed to, the
 * prefilled form the user checks, the new account, and the notifications about it.
 *
 * - `POST /registration/endpoint/` (§8.2), `POST /registration/direct/` (§6.1) and
 *   `POST /transfer/endpoint/` (§6.1, §8.2): `realm` (= client_id), `registration_nonce` and
 *   Appendix 5 fields. Answers the registration form prefilled with those fields
 *   (`data-step="registration-form"`); a transfer shows the registry contact (`username`) only.
 * - `POST /registration/create`: the user submits the form. The data are checked (§6.2: "asks the
 *   user to correct any errors": the form comes back with the problems), the account is created
 *   (it can log in right away, it is listed on the login page), and `REGISTERED` is sent to the
 *   client's `assertion_uris` before the answer page (`data-step="registration-done"`, with a link
 *   back to the service) is shown.
 * - Then, for clients with full access, the status changes of `accountCreation.statusChanges`
 *   follow on a timer (§6.3), and `changeStatus()` sends one at once.
 *
 * Notifications to https addresses carry a client certificate issued by a test CA generated at
 * start (or the certificate and CA given in `accountCreation.clientCertificate`, from files or
 * PEM); that CA's PEM, and a file with it, are what the app configures as `MOJEID_NOTIFY_CA_FILE`.
 *
 * @module
 */
import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express, { Router, type Request, type Response } from 'express';
import { REGISTRATION_FIELDS, registrationFieldDefinition, validateRegistrationFields } from 'passport-mojeid-oidc';
import type { AccountDirectory } from './accounts.js';
import {
  deliver,
  type NotificationDelivery,
  type NotificationStatus,
  type NotificationTransport,
  type SimulatorAccountCreationOptions,
} from './notifications.js';
import { RETURN_PATH } from './logout.js';
import { TestCertificateAuthority } from './test-ca.js';
import type { SimulatorAccount } from './types.js';
import { PAGE_HEADERS, backLinks, both, errorPage, escapeHtml, page } from './views.js';

/** What tests and apps get of the simulator's account creation (`simulator.accountCreation`). */
export interface SimulatorAccountCreation {
  /** The test CA standing in for CZ.NIC's (§6.2), PEM: configure it as the app's notification CA. */
  readonly caCertificatePem: string;
  /** A file with `caCertificatePem` (`MOJEID_NOTIFY_CA_FILE`); removed when the simulator closes. */
  readonly caFile: string;
  /** A server certificate for the app's https endpoint, from the test CA (which notifications trust). */
  issueServerCertificate(hosts: readonly string[]): { certPem: string; keyPem: string };
  /** Every notification delivery so far, oldest first. */
  readonly deliveries: readonly NotificationDelivery[];
  /** Resolves with the first delivery (past or future) that matches, or rejects after `timeout` ms. */
  waitForDelivery(match: (delivery: NotificationDelivery) => boolean, timeout?: number): Promise<NotificationDelivery>;
  /**
   * The account's status changes now (§6.3): the notification is sent at once (repeated later
   * while unanswered), and `VALIDATED` sets the account's `mojeid_valid` flag.
   */
  changeStatus(sub: string, status: Exclude<NotificationStatus, 'REGISTERED'>): Promise<NotificationDelivery>;
}

export interface AccountCreationSetup {
  accounts: AccountDirectory;
  isFullAccess(clientId: string): boolean;
  clientExists(clientId: string): boolean;
  clientName(clientId: string): string | undefined;
  assertionUris(clientId: string): string[];
  options: SimulatorAccountCreationOptions | undefined;
}

interface CreatedAccount {
  readonly sub: string;
  readonly clientId: string;
  readonly account: SimulatorAccount;
}

const STATUS_CHANGES: readonly NotificationStatus[] = ['CONDITIONALLY_IDENTIFIED', 'IDENTIFIED', 'VALIDATED'];

function positive(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < 0) throw new TypeError(`simulator option accountCreation.${name} must be a number of milliseconds (0 or more), got ${String(value)}`);
  return v;
}

/** PEM text, a Buffer, or a file path to read it from. */
function pem(value: string | Buffer, what: string): string {
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (value.includes('-----BEGIN')) return value;
  try {
    return readFileSync(value, 'utf8');
  } catch (error) {
    throw new TypeError(`simulator option accountCreation.clientCertificate.${what}: cannot read ${JSON.stringify(value)} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The simulator's subs look like the test accounts' (12 digits, `2482897610xx`). */
function newSub(accounts: AccountDirectory): string {
  for (;;) {
    const sub = `2482897${String(randomInt(10 ** 5)).padStart(5, '0')}`;
    if (!accounts.bySub(sub)) return sub;
  }
}

/** Appendix 5 field values to the Appendix 1 claims the new account releases at login. */
function claimsFrom(sub: string, fields: Readonly<Record<string, string>>): Record<string, unknown> {
  const claims: Record<string, unknown> = { sub, mojeid_valid: 'false', mojeid_nia: 'false' };
  const set = (claim: string, field: string): void => {
    if (fields[field]) claims[claim] = fields[field];
  };
  set('given_name', 'first_name');
  set('family_name', 'last_name');
  const name = [fields['first_name'], fields['last_name']].filter(Boolean).join(' ');
  if (name) claims['name'] = name;
  set('nickname', 'username');
  set('email', 'email_default_email');
  if (claims['email']) claims['email_verified'] = false; // verified later (CONDITIONALLY_IDENTIFIED)
  set('mojeid_email_notify', 'email_notify_email');
  set('mojeid_email_next', 'email_next_email');
  set('phone_number', 'phone_default_number');
  if (claims['phone_number']) claims['phone_number_verified'] = 'false';
  set('mojeid_phone_office', 'phone_office_number');
  set('mojeid_phone_mobile', 'phone_mobile_number');
  set('mojeid_phone_home', 'phone_home_number');
  set('birthdate', 'birth_date');
  if (fields['gender']) claims['gender'] = fields['gender'] === 'F' ? 'female' : 'male';
  for (const part of ['street', 'city', 'state', 'postal_code', 'country'] as const) {
    const field = part === 'street' ? 'address_default_street1' : `address_default_${part}`;
    if (fields[field]) claims[`mojeid_address_def_${part}`] = fields[field];
  }
  return claims;
}

function formPage(view: { realm: string; nonce: string; variant: 'registration' | 'transfer'; clientName: string; fields: Record<string, string>; problems: string[] }): string {
  const shown = new Set(['first_name', 'last_name', 'email_default_email', 'phone_default_number', ...Object.keys(view.fields)]);
  const inputs =
    view.variant === 'transfer'
      ? `<label>${both('Kontakt z registru', 'Registry contact')} <code>username</code> <input name="username" value="${escapeHtml(view.fields['username'] ?? '')}" readonly></label>`
      : REGISTRATION_FIELDS.filter((f) => shown.has(f.name))
          .map(
            (f) =>
              `<label>${both(f.label.cs, f.label.en)} <code>${escapeHtml(f.name)}</code> <input name="${escapeHtml(f.name)}" value="${escapeHtml(view.fields[f.name] ?? '')}"></label>`,
          )
          .join('\n');
  const problems = view.problems.length
    ? `<ul class="problems" id="problems">${view.problems.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul>`
    : '';
  return page(
    'registration-form',
    'Založení účtu – mojeID / Create an account – mojeID',
    `<h1>${view.variant === 'transfer' ? both('Převod kontaktu do mojeID', 'Transfer a contact to mojeID') : both('Založení účtu mojeID', 'Create a mojeID account')}</h1>
<p>${both('Služba', 'Service')}: <strong>${escapeHtml(view.clientName)}</strong></p>
${problems}
<form method="post" action="/registration/create" id="registration">
<input type="hidden" name="realm" value="${escapeHtml(view.realm)}">
<input type="hidden" name="registration_nonce" value="${escapeHtml(view.nonce)}">
<input type="hidden" name="variant" value="${view.variant}">
<fieldset><legend>${both('Údaje', 'Data')}</legend>
${inputs}
</fieldset>
<label><input type="checkbox" name="consent" value="1" checked> ${both('Souhlasím s podmínkami užívání', 'I accept the terms of use')}</label>
<button type="submit" class="primary">${view.variant === 'transfer' ? 'Převést / Transfer' : 'Založit účet / Create account'}</button>
</form>`,
  );
}

/**
 * §6.3 ends with "an information about the completion of the registration" and no way back; the
 * simulator adds a link to the service the form came from (`realm`), through `/return/`, which
 * goes only to that client's registered site.
 */
function donePage(sub: string, delivery: NotificationDelivery | undefined, service: { clientId: string; name: string }): string {
  const outcome = delivery?.outcome ?? 'none';
  const text =
    outcome === 'accept'
      ? both('Služba účet přijala a propojila.', 'The service accepted and linked the account.')
      : outcome === 'reject'
        ? both('Služba propojení odmítla.', 'The service refused to link the account.')
        : outcome === 'unanswered'
          ? both('Služba na oznámení neodpověděla.', 'The service did not answer the notification.')
          : both('Služba nemá adresu pro oznámení (assertion_uris).', 'The service has no notification address (assertion_uris).');
  return page(
    'registration-done',
    'Účet založen – mojeID / Account created – mojeID',
    `<h1>${both('Účet mojeID je založen', 'Your mojeID account is created')}</h1>
<p>${both('Identifikátor', 'Identifier')}: <code id="sub">${escapeHtml(sub)}</code></p>
<p id="notification" data-outcome="${escapeHtml(outcome)}">${text}</p>
${delivery?.attempts.at(-1)?.reason ? `<p id="reason">${escapeHtml(delivery.attempts.at(-1)?.reason ?? '')}</p>` : ''}
${backLinks([{ name: service.name, href: `${RETURN_PATH}?${new URLSearchParams({ client_id: service.clientId }).toString()}` }])}`,
  );
}

export function createAccountCreation(setup: AccountCreationSetup): { router: Router; api: SimulatorAccountCreation; dispose(): void } {
  const options = setup.options ?? {};
  const statusDelay = positive(options.statusDelay, 60_000, 'statusDelay');
  const retryInterval = positive(options.retryInterval, 5 * 60_000, 'retryInterval');
  const retryWindow = positive(options.retryWindow, 6 * 3600_000, 'retryWindow');
  const statusChanges = options.statusChanges ?? ['CONDITIONALLY_IDENTIFIED'];
  for (const status of statusChanges) {
    if (!STATUS_CHANGES.includes(status)) throw new TypeError(`simulator option accountCreation.statusChanges: ${String(status)} is not a status change (§6.3)`);
  }

  // The test CA stands in for CZ.NIC's; it also issues server certificates the simulator trusts.
  const ca = TestCertificateAuthority.create({ commonName: 'mojeID simulator notification CA' });
  const given = options.clientCertificate;
  if (given && (!given.cert || !given.key || !given.ca)) throw new TypeError('simulator option accountCreation.clientCertificate needs cert, key and ca');
  const client = given
    ? { certPem: pem(given.cert, 'cert'), keyPem: pem(given.key, 'key'), caPem: pem(given.ca, 'ca') }
    : { ...ca.issue({ commonName: 'mojeID simulator notifications', organization: 'mojeID simulator', kind: 'client' }), caPem: ca.certPem };
  const serverCa = options.serverCa === undefined ? [] : Array.isArray(options.serverCa) ? options.serverCa : [options.serverCa];
  const transport: NotificationTransport = {
    clientCert: client.certPem,
    clientKey: client.keyPem,
    trustedCa: [ca.certPem, ...serverCa],
    timeout: positive(options.requestTimeout, 10_000, 'requestTimeout'),
  };
  const dir = mkdtempSync(path.join(tmpdir(), 'mojeid-simulator-'));
  const caFile = path.join(dir, 'notification-ca.pem');
  writeFileSync(caFile, client.caPem);

  const created = new Map<string, CreatedAccount>();
  const deliveries: NotificationDelivery[] = [];
  const waiters = new Set<{ match: (d: NotificationDelivery) => boolean; resolve: (d: NotificationDelivery) => void }>();
  const timers = new Set<NodeJS.Timeout>();
  let disposed = false;

  const later = (ms: number, run: () => void): void => {
    if (disposed) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!disposed) run();
    }, ms);
    timer.unref();
    timers.add(timer);
  };

  const record = (delivery: NotificationDelivery): NotificationDelivery => {
    deliveries.push(delivery);
    for (const waiter of [...waiters]) {
      if (waiter.match(delivery)) {
        waiters.delete(waiter);
        waiter.resolve(delivery);
      }
    }
    return delivery;
  };

  const send = async (target: CreatedAccount, status: NotificationStatus, params: Record<string, string>, attempt: number): Promise<NotificationDelivery> => {
    const addresses = setup.assertionUris(target.clientId);
    const result = addresses.length ? await deliver(addresses, params, transport) : { outcome: 'unanswered' as const, attempts: [] };
    return record(Object.freeze({ sub: target.sub, status, clientId: target.clientId, attempt, attempts: Object.freeze(result.attempts), outcome: result.outcome, at: new Date().toISOString() }));
  };

  /** §6.3: a status change is repeated until accepted or refused, for `retryWindow`. */
  const sendStatus = async (target: CreatedAccount, status: NotificationStatus, startedAt = Date.now(), attempt = 1): Promise<NotificationDelivery> => {
    if (status === 'VALIDATED') target.account.claims['mojeid_valid'] = 'true';
    if (status === 'CONDITIONALLY_IDENTIFIED' || status === 'IDENTIFIED' || status === 'VALIDATED') {
      if (target.account.claims['email'] !== undefined) target.account.claims['email_verified'] = true;
      if (target.account.claims['phone_number'] !== undefined) target.account.claims['phone_number_verified'] = 'true';
    }
    const delivery = await send(target, status, { sub: target.sub, status }, attempt);
    if (delivery.outcome === 'unanswered' && Date.now() + retryInterval - startedAt <= retryWindow) {
      later(retryInterval, () => void sendStatus(target, status, startedAt, attempt + 1));
    }
    return delivery;
  };

  /** The timer of `statusChanges`, one after another, for clients with full access. */
  const scheduleStatusChanges = (target: CreatedAccount, index: number): void => {
    const status = statusChanges[index];
    if (!status || !setup.isFullAccess(target.clientId)) return;
    later(statusDelay, () => {
      void sendStatus(target, status).then(() => scheduleStatusChanges(target, index + 1));
    });
  };

  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 200 });
  const sendPage = (res: Response, status: number, html: string): void => void res.status(status).set(PAGE_HEADERS).send(html);

  const entry = (variant: 'registration' | 'transfer') => (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const realm = asText(body['realm']);
    const nonce = asText(body['registration_nonce']);
    if (!realm || !setup.clientExists(realm)) return sendPage(res, 400, errorPage('invalid_realm', 'Neznámá služba (realm = client_id). / Unknown service (realm = client_id).'));
    if (!nonce) return sendPage(res, 400, errorPage('invalid_request', 'Chybí registration_nonce. / registration_nonce is missing.'));
    const fields: Record<string, string> = {};
    for (const [name, value] of Object.entries(body)) {
      // §6.1: a transfer ignores the data and keeps the contact id only.
      if (typeof value === 'string' && registrationFieldDefinition(name) && (variant === 'registration' || name === 'username')) fields[name] = value;
    }
    if (variant === 'transfer' && !fields['username']) return sendPage(res, 400, errorPage('invalid_request', 'Převod potřebuje identifikátor kontaktu (username). / A transfer needs the contact id (username).'));
    sendPage(res, 200, formPage({ realm, nonce, variant, clientName: setup.clientName(realm) ?? realm, fields, problems: [] }));
  };
  router.post(['/registration/endpoint/', '/registration/direct/'], form, entry('registration'));
  router.post('/transfer/endpoint/', form, entry('transfer'));

  router.post('/registration/create', form, async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const realm = asText(body['realm']);
    const nonce = asText(body['registration_nonce']);
    const variant = body['variant'] === 'transfer' ? 'transfer' : 'registration';
    if (!realm || !setup.clientExists(realm) || !nonce) return sendPage(res, 400, errorPage('invalid_request', 'Chybí realm nebo registration_nonce. / realm or registration_nonce is missing.'));
    const posted: Record<string, string> = {};
    for (const [name, value] of Object.entries(body)) if (typeof value === 'string' && registrationFieldDefinition(name)) posted[name] = value;
    const { fields, dropped } = validateRegistrationFields(posted);
    const problems = dropped.map((d) => d.message);
    if (variant === 'registration') {
      for (const required of ['first_name', 'last_name', 'email_default_email']) {
        if (!fields[required]) problems.push(`${required}: ${both('povinný údaj', 'required').replace(/<[^>]+>/g, '')}`);
      }
    } else if (!fields['username']) {
      problems.push('username: required');
    }
    if (problems.length) {
      return sendPage(res, 200, formPage({ realm, nonce, variant, clientName: setup.clientName(realm) ?? realm, fields: posted, problems }));
    }

    const sub = newSub(setup.accounts);
    const claims =
      variant === 'transfer'
        ? { ...claimsFrom(sub, {}), nickname: fields['username'], name: `Kontakt ${fields['username']}`, email: `${(fields['username'] ?? 'contact').toLowerCase()}@registry.example.cz`, email_verified: false }
        : claimsFrom(sub, fields);
    const account: SimulatorAccount = {
      id: `created-${sub}`,
      label: String(claims['name'] ?? fields['username'] ?? sub),
      description: 'Účet založený přes registraci / Account created through registration, ch. 6',
      claims,
    };
    setup.accounts.add(account);
    const target: CreatedAccount = { sub, clientId: realm, account };
    created.set(sub, target);
    // §6.3: the registration message is synchronous and sent once, before the user goes on.
    const delivery = await send(target, 'REGISTERED', { registration_nonce: nonce, sub, status: 'REGISTERED' }, 1);
    // Status changes concern an account paired with the service, i.e. one it accepted.
    if (delivery.outcome === 'accept') scheduleStatusChanges(target, 0);
    sendPage(res, 200, donePage(sub, delivery, { clientId: realm, name: setup.clientName(realm) ?? realm }));
  });

  const api: SimulatorAccountCreation = {
    caCertificatePem: client.caPem,
    caFile,
    issueServerCertificate(hosts) {
      const issued = ca.issueServerCertificate(hosts);
      return { certPem: issued.certPem, keyPem: issued.keyPem };
    },
    get deliveries() {
      return [...deliveries];
    },
    waitForDelivery(match, timeout = 10_000) {
      const past = deliveries.find(match);
      if (past) return Promise.resolve(past);
      return new Promise<NotificationDelivery>((resolve, reject) => {
        const waiter = {
          match,
          resolve: (d: NotificationDelivery) => {
            clearTimeout(timer);
            resolve(d);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching notification delivery within ${timeout} ms (deliveries so far: ${deliveries.map((d) => `${d.status}:${d.outcome}`).join(', ') || 'none'})`));
        }, timeout);
        waiters.add(waiter);
      });
    },
    async changeStatus(sub, status) {
      const target = created.get(sub);
      if (!target) throw new Error(`no account created through registration has the sub ${JSON.stringify(sub)}`);
      if (!STATUS_CHANGES.includes(status)) throw new TypeError(`${String(status)} is not a status change (§6.3)`);
      return sendStatus(target, status);
    },
  };

  return {
    router,
    api,
    dispose() {
      disposed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

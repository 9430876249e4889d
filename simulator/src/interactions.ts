/**
 * The login and consent pages (§5.1.7: authentication happens on mojeID's pages), as an Express
 * router mounted at `/oidc/interaction`.
 *
 * Routes and form fields (application/x-www-form-urlencoded):
 * - `GET  /oidc/interaction/<uid>`          the login page, or the consent page once logged in;
 * - `POST /oidc/interaction/<uid>/login`    `account=<account id>` logs in as that account;
 * - `POST /oidc/interaction/<uid>/confirm`  `claim=<name>`, repeated, one per claim the user
 *   lets go; every requested claim not posted is withheld: `null` in production mode, left out in
 *   manual mode (`discovery.ts`);
 * - `POST /oidc/interaction/<uid>/abort`    no fields: Deny / Odmítnout, the client gets
 *   `error=access_denied`.
 * The interaction itself is identified by oidc-provider's interaction cookie.
 *
 * @module
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type Provider from 'oidc-provider';
import type { Interaction } from 'oidc-provider';
import { subOf, type AccountDirectory } from './accounts.js';
import type { MemoryStore } from './adapter.js';
import { SCOPES, displayValue, requestedClaims } from './claims.js';
import { INTERACTION_PATH, rememberWithheld } from './provider.js';
import type { SimulatorMode } from './types.js';
import { PAGE_HEADERS, consentPage, errorPage, loginPage } from './views.js';

export interface InteractionSetup {
  provider: Provider;
  accounts: AccountDirectory;
  isFullAccess(clientId: string | undefined): boolean;
  /** Production mode sends withheld claims as `null`, manual mode leaves them out. */
  mode: SimulatorMode;
  /** Where production mode keeps the withheld claims of each grant. */
  store: MemoryStore;
}

type Handler = (req: Request, res: Response) => Promise<void>;

function sendPage(res: Response, status: number, html: string): void {
  res.status(status).set(PAGE_HEADERS).send(html);
}

function isSessionNotFound(error: unknown): boolean {
  return error instanceof Error && error.name === 'SessionNotFound';
}

/** Runs a handler; an expired or missing interaction gets a 400 page instead of a 500. */
function wrap(handler: Handler) {
  return (req: Request, res: Response, next: NextFunction): void => {
    handler(req, res).catch((error: unknown) => {
      if (isSessionNotFound(error)) {
        sendPage(res, 400, errorPage('invalid_request', 'Přihlášení vypršelo nebo chybí cookie. / The login has expired or its cookie is missing.'));
      } else {
        next(error);
      }
    });
  };
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function postedList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function interactionRouter(setup: InteractionSetup): express.Router {
  const { provider, accounts } = setup;
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '64kb' });

  async function details(req: Request, res: Response): Promise<Interaction | undefined> {
    const interaction = await provider.interactionDetails(req, res);
    if (interaction.uid !== req.params['uid']) {
      sendPage(res, 400, errorPage('invalid_request', 'Tato stránka patří k jinému přihlášení. / This page belongs to another login.'));
      return undefined;
    }
    return interaction;
  }

  async function clientName(clientId: string): Promise<string> {
    const client = await provider.Client.find(clientId);
    return client?.clientName ?? clientId;
  }

  router.get(
    '/:uid',
    wrap(async (req, res) => {
      const interaction = await details(req, res);
      if (!interaction) return;
      const action = `${INTERACTION_PATH}/${interaction.uid}`;
      const clientId = asString(interaction.params['client_id']) ?? '';
      if (interaction.prompt.name === 'login') {
        sendPage(res, 200, loginPage({ action, clientName: await clientName(clientId), accounts: accounts.accounts }));
        return;
      }
      if (interaction.prompt.name === 'consent') {
        const account = interaction.session ? accounts.bySub(interaction.session.accountId) : undefined;
        if (!account) throw new Error('consent prompt without a known logged-in account');
        const claims = requestedClaims(interaction.params['scope'], interaction.params['claims'], setup.isFullAccess(clientId)).map((d) => ({
          name: d.name,
          label: d.label,
          value: displayValue(account.claims[d.name]),
        }));
        sendPage(res, 200, consentPage({ action, clientName: await clientName(clientId), accountLabel: account.label, claims }));
        return;
      }
      sendPage(res, 400, errorPage('invalid_request', `unsupported prompt ${interaction.prompt.name}`));
    }),
  );

  router.post(
    '/:uid/login',
    form,
    wrap(async (req, res) => {
      const interaction = await details(req, res);
      if (!interaction) return;
      const body: Record<string, unknown> = req.body ?? {};
      const account = accounts.byId(asString(body['account']) ?? '');
      if (interaction.prompt.name !== 'login' || !account) {
        sendPage(res, 400, errorPage('invalid_request', 'Neznámý účet nebo krok přihlášení. / Unknown account or login step.'));
        return;
      }
      // `acr` and `amr` are set per authorization request by the login policy (provider.ts).
      const login = { accountId: subOf(account) };
      await provider.interactionFinished(req, res, { login }, { mergeWithLastSubmission: false });
    }),
  );

  router.post(
    '/:uid/confirm',
    form,
    wrap(async (req, res) => {
      const interaction = await details(req, res);
      if (!interaction) return;
      const accountId = interaction.session?.accountId;
      const clientId = asString(interaction.params['client_id']);
      if (interaction.prompt.name !== 'consent' || !accountId || !clientId) {
        sendPage(res, 400, errorPage('invalid_request', 'Tento krok nečeká souhlas. / This step does not await consent.'));
        return;
      }
      const body: Record<string, unknown> = req.body ?? {};
      const chosen = new Set(postedList(body['claim']));
      const { details: missing } = interaction.prompt;
      const shown = requestedClaims(interaction.params['scope'], interaction.params['claims'], setup.isFullAccess(clientId)).map((d) => d.name);
      const requested = new Set([...shown, ...stringList(missing['missingOIDCClaims'])]);
      const accepted = [...requested].filter((name) => chosen.has(name));
      const notReleased = [...requested].filter((name) => !chosen.has(name));
      // Production mode: what the page offered and the user unchecked comes back as `null`. What
      // it never offered (full-access-only claims for other clients, unknown names) stays out.
      const asNull = setup.mode === 'production' ? notReleased.filter((name) => shown.includes(name)) : [];
      const rejected = notReleased.filter((name) => !asNull.includes(name));

      // A new grant each time, so the grant is exactly what this page showed and the user chose.
      const grant = new provider.Grant({ accountId, clientId });
      const known: ReadonlySet<string> = new Set(SCOPES);
      const scopes = new Set([
        ...(asString(interaction.params['scope']) ?? '').split(' ').filter((s) => known.has(s)),
        ...stringList(missing['missingOIDCScope']),
      ]);
      grant.addOIDCScope([...scopes].join(' '));
      // Granted, so oidc-provider lets them through; their values become `null` on the way out.
      if (accepted.length || asNull.length) grant.addOIDCClaims([...accepted, ...asNull]);
      if (rejected.length) grant.rejectOIDCClaims(rejected);
      const grantId = await grant.save();
      if (asNull.length) rememberWithheld(setup.store, grantId, asNull);
      await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    }),
  );

  router.post(
    '/:uid/abort',
    form,
    wrap(async (req, res) => {
      const interaction = await details(req, res);
      if (!interaction) return;
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'End-User aborted interaction' },
        { mergeWithLastSubmission: false },
      );
    }),
  );

  return router;
}

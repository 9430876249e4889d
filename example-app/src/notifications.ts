/**
 * mojeID's registration notifications (ch. 6) as this app handles them: REGISTERED links the local
 * account the mojeID account was created for, a later status change (§6.3) is recorded; and, with
 * the simulator and a plain-http app, the https listener that lets the notification route see the
 * simulator's client certificate (§6.2).
 */
import https from 'node:https';
import express, { type Request, type Response, type Router } from 'express';
import type { NotificationDecision, RegistrationNotification } from 'passport-mojeid-oidc';
import { ConflictError, type AppDatabase } from './db.js';

/** Both outcomes are idempotent: a repeated notification writes the same rows. */
export function onNotification(db: AppDatabase): (notification: RegistrationNotification) => NotificationDecision {
  return (notification) => {
    if (notification.status === 'REGISTERED') {
      const userId = Number(notification.localUser);
      if (!Number.isInteger(userId) || !db.findUserById(userId)) return { accept: false, reason: 'unknown local account' };
      try {
        db.link(userId, notification.sub);
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        return { accept: false, reason: error.conflict === 'user_linked' ? 'the local account is already linked' : 'this mojeID account is already linked' };
      }
      db.setMojeIdStatus(notification.sub, notification.status);
      return true;
    }
    if (!db.findLinkBySub(notification.sub)) return { accept: false, reason: 'not linked here' };
    db.setMojeIdStatus(notification.sub, notification.status);
    return true;
  };
}

/**
 * An https listener on 127.0.0.1 (any free port) for the notification route alone: its
 * certificate comes from the simulator's test CA, which the simulator trusts, and it asks for a
 * client certificate from the same CA. Optional at the TLS level, so a missing or wrong one reaches
 * the library, which refuses it with its own log line.
 */
export async function listenForNotifications(
  simulatorCa: { readonly caCertificatePem: string; issueServerCertificate(hosts: readonly string[]): { certPem: string; keyPem: string } },
  mountPath: string,
  notify: Router,
): Promise<https.Server> {
  const { certPem, keyPem } = simulatorCa.issueServerCertificate(['127.0.0.1']);
  const app = express();
  app.disable('x-powered-by');
  app.use(mountPath || '/', notify);
  app.use((_req: Request, res: Response) => void res.status(404).type('text').send('not found\n'));
  const server = https.createServer({ cert: certPem, key: keyPem, ca: simulatorCa.caCertificatePem, requestCert: true, rejectUnauthorized: false }, app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

export function closeServer(server: https.Server | undefined): Promise<void> {
  if (!server?.listening) return Promise.resolve();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

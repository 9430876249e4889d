/**
 * Child process: the mojeID simulator (oidc-provider), for the real logins that give scenario 1
 * its sessions. Clients are added over IPC once each app knows its port.
 */
import { startSimulator } from 'mojeid-simulator';
import { CLIENT_ID, CLIENT_SECRET, tell, type ParentToChild } from './common.js';

const simulator = await startSimulator({ clients: [] });
process.on('message', (message: ParentToChild) => {
  if (message.type === 'add-client') {
    simulator.addClient({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uris: [message.redirectUri], token_endpoint_auth_method: message.authMethod });
    tell({ type: 'added', id: message.id });
  } else if (message.type === 'exit') {
    void simulator.close().then(() => process.exit(0));
  }
});
process.on('disconnect', () => void simulator.close().then(() => process.exit(0)));
tell({ type: 'ready', port: Number(new URL(simulator.origin).port), origin: simulator.origin, issuer: simulator.issuer, uptimeMs: process.uptime() * 1000 });

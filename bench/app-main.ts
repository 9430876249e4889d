/**
 * Child process: one app (the library named in `BENCH_APP`) on 127.0.0.1. It reports `ready`
 * once it serves requests (or `failed` if it cannot start), and answers `stats` over IPC with its
 * own CPU time, heap (after a forced GC when started with --expose-gc) and MemoryStore size.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { MemoryStore } from 'express-session';
import { buildApp } from './apps.js';
import { tell, type AppSpec, type AppStats, type ParentToChild } from './common.js';

const spec = JSON.parse(process.env['BENCH_APP'] ?? '{}') as AppSpec;
const server = spec.tls
  ? https.createServer({ cert: spec.tls.certPem, key: spec.tls.keyPem, ca: [spec.tls.clientCaPem], requestCert: true, rejectUnauthorized: false })
  : http.createServer();
server.keepAliveTimeout = 30_000;
const sockets = new Set<Socket>();
for (const event of ['connection', 'secureConnection']) {
  server.on(event, (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
}

let store: MemoryStore | undefined;

function stats(gc: boolean, prune: boolean): AppStats {
  // MemoryStore deletes an expired session only when it reads it; `all` reads every one.
  if (prune) store?.all(() => undefined);
  const collect = (globalThis as { gc?: () => void }).gc;
  if (gc && collect) {
    collect();
    collect();
  }
  const memory = process.memoryUsage();
  // MemoryStore keeps each session as its JSON string; their total length is the store's payload.
  const sessions = (store as unknown as { sessions?: Record<string, string> } | undefined)?.sessions ?? {};
  let storeSessions = 0;
  let storeBytes = 0;
  let newest: string | undefined;
  for (const [id, json] of Object.entries(sessions)) {
    storeSessions += 1;
    storeBytes += id.length + json.length;
    newest = json;
  }
  const expires = newest === undefined ? undefined : (JSON.parse(newest) as { cookie?: { expires?: string | null } }).cookie?.expires;
  const newestSessionExpiresInMs = newest === undefined ? undefined : expires ? Date.parse(expires) - Date.now() : null;
  return { cpu: process.cpuUsage(), heapUsed: memory.heapUsed, heapTotal: memory.heapTotal, rss: memory.rss, storeSessions, storeBytes, newestSessionExpiresInMs };
}

function shutdown(code: number): void {
  for (const socket of sockets) socket.destroy();
  server.close(() => process.exit(code));
  setTimeout(() => process.exit(code), 2_000).unref();
}

process.on('message', (message: ParentToChild) => {
  if (message.type === 'stats') tell({ type: 'stats', id: message.id, stats: stats(message.gc ?? false, message.prune ?? false) });
  else if (message.type === 'exit') shutdown(0);
});
process.on('disconnect', () => shutdown(0));

try {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(spec.port ?? 0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `${spec.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  if (spec.experiment === 'node-http-fetch') globalThis.fetch = (await import('./node-http-fetch.js')).nodeHttpFetch;
  const built = await buildApp(spec, origin);
  store = built.store as MemoryStore;
  server.on('request', built.handler);
  tell({ type: 'ready', port, origin, uptimeMs: process.uptime() * 1000 });
} catch (error) {
  tell({ type: 'failed', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error), uptimeMs: process.uptime() * 1000 });
  shutdown(1);
}

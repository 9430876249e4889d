/** Child process: the minimal provider. Tells the parent its issuer; answers `counts` over IPC. */
import { tell, type ParentToChild } from './common.js';
import { startBenchProvider } from './provider.js';

const provider = await startBenchProvider();
process.on('message', (message: ParentToChild) => {
  if (message.type === 'counts') {
    tell({ type: 'counts', id: message.id, counts: { ...provider.counts }, cpu: process.cpuUsage() });
    if (message.reset) provider.resetCounts();
  } else if (message.type === 'exit') {
    void provider.close().then(() => process.exit(0));
  }
});
process.on('disconnect', () => void provider.close().then(() => process.exit(0)));
tell({ type: 'ready', port: Number(new URL(provider.origin).port), origin: provider.origin, issuer: provider.issuer, uptimeMs: process.uptime() * 1000 });

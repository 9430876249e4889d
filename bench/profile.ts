/**
 * Summarises a V8 CPU profile (`node --cpu-prof`): self time per function and per package, so a
 * run can say where an app spends its CPU per login without opening a profiler.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  /** Idle and GC are listed separately from code. */
  idleMs: number;
  gcMs: number;
  byPackage: { name: string; ms: number; share: number }[];
  topFunctions: { name: string; where: string; ms: number; share: number }[];
}

/** `node_modules/<pkg>`, our built library, Node's internals or the bench itself. */
export function packageOf(url: string): string {
  if (!url) return '(native / V8)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  if (url.startsWith('node:')) return 'node (internals)';
  if (url.includes('/bench/dist/')) return 'bench app';
  if (url.includes('/dist/')) return 'passport-mojeid-oidc (ours)';
  return url;
}

export function summariseProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  let totalUs = 0;
  let idleUs = 0;
  let gcUs = 0;
  const packages = new Map<string, number>();
  const functions = new Map<string, { name: string; where: string; us: number }>();
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node) continue;
    totalUs += us;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || functionName === '(program)') {
      idleUs += us;
      continue;
    }
    if (functionName === '(garbage collector)') {
      gcUs += us;
      continue;
    }
    const pkg = packageOf(url);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
    const where = url ? `${url.replace(/^file:\/\/.*?\/(node_modules|dist|bench)\//, '$1/')}:${lineNumber + 1}` : '(native)';
    const key = `${functionName}@${where}`;
    const entry = functions.get(key) ?? { name: functionName || '(anonymous)', where, us: 0 };
    entry.us += us;
    functions.set(key, entry);
  }
  const busyUs = totalUs - idleUs;
  const share = (us: number): number => (busyUs > 0 ? us / busyUs : 0);
  return {
    file,
    totalMs: totalUs / 1000,
    idleMs: idleUs / 1000,
    gcMs: gcUs / 1000,
    byPackage: [...packages]
      .sort((a, b) => b[1] - a[1])
      .map(([name, us]) => ({ name, ms: us / 1000, share: share(us) })),
    topFunctions: [...functions.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, ms: f.us / 1000, share: share(f.us) })),
  };
}

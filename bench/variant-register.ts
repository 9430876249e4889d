/**
 * `node --import …/variant-register.js`: makes this process a variant app (BENCH_VARIANT). Registers
 * variant-hooks.ts with the variant's path, and refuses to go on if the package name does not
 * resolve to it, so a run can never label this checkout's library as the variant.
 */
import { register } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { VariantHookData } from './variant-hooks.js';

const target = process.env['BENCH_VARIANT'];
if (!target) throw new Error('variant-register: BENCH_VARIANT is not set');
const data: VariantHookData = { target: resolve(target), root: resolve(dirname(fileURLToPath(import.meta.url)), '..', '..') };
register('./variant-hooks.js', { parentURL: import.meta.url, data });
const resolved = import.meta.resolve('passport-mojeid-oidc');
if (resolved !== pathToFileURL(data.target).href) throw new Error(`variant-register: passport-mojeid-oidc resolves to ${resolved}, not ${data.target}`);

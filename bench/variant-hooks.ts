/**
 * Module resolution hooks of a variant app (BENCH_VARIANT, registered by variant-register.ts):
 * the package name `passport-mojeid-oidc` resolves to the variant's build instead of this
 * checkout's, and every bare specifier imported from the variant's directory (openid-client,
 * helmet, express …) resolves from this checkout, so the variant and ours load the very same
 * dependencies and differ only in the library's own code.
 */
import { dirname, join } from 'node:path';
import type { InitializeHook, ResolveHook } from 'node:module';
import { pathToFileURL } from 'node:url';

export interface VariantHookData {
  /** Absolute path of the variant's entry point (its `dist/index.js`). */
  target: string;
  /** Absolute path of this checkout (its node_modules serve the variant's dependencies). */
  root: string;
}

let targetUrl = '';
let variantDirUrl = '';
let rootParentUrl = '';

export const initialize: InitializeHook<VariantHookData> = (data) => {
  targetUrl = pathToFileURL(data.target).href;
  variantDirUrl = pathToFileURL(`${dirname(data.target)}/`).href;
  rootParentUrl = pathToFileURL(join(data.root, 'bench', 'dist', 'app-main.js')).href;
};

const isBare = (specifier: string): boolean => !/^(\.|\/|[a-z][a-z0-9+.-]*:)/i.test(specifier);

export const resolve: ResolveHook = (specifier, context, nextResolve) => {
  if (specifier === 'passport-mojeid-oidc') return { url: targetUrl, format: 'module', shortCircuit: true };
  if (isBare(specifier) && context.parentURL?.startsWith(variantDirUrl)) return nextResolve(specifier, { ...context, parentURL: rootParentUrl });
  return nextResolve(specifier, context);
};

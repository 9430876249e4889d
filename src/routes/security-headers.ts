/**
 * The security headers of the library's own pages (CSP, `frame-ancestors 'none'` against
 * clickjacking, no referrer), set by helmet on each request.
 */
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** Security headers for the library's own pages; `frame-ancestors 'none'` against clickjacking. */
export function pageSecurityHeaders(): RequestHandler {
  // Plain helmet per request. Running it once and replaying its headers was measured against this
  // form in the same benchmark runs and saved nothing a user would notice (login CPU within the
  // run-to-run noise: 1.04x and 0.92x in two batches; docs/benchmarks.md, "Optimisations: kept
  // or reverted"), so the simpler code stays.
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
  });
}

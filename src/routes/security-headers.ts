/**
 * The security headers of the library's own pages (CSP, `frame-ancestors 'none'` against
 * clickjacking, no referrer), computed once by helmet and replayed on each request.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/** Security headers for the library's own pages; `frame-ancestors 'none'` against clickjacking. */
export function pageSecurityHeaders(): RequestHandler {
  // The headers never vary by request (no nonces, no functions in the directives), so helmet runs
  // once, here, and each request only sets the recorded values: helmet per request was ~3.5 % of a
  // login's CPU (two requests per login pass through it; docs/benchmarks.md scenario 2).
  const headers: Array<[string, string]> = [];
  const removed: string[] = [];
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => void headers.push([name, String(value)]),
    removeHeader: (name: string) => void removed.push(name),
    getHeader: () => undefined,
  };
  let recordingError: unknown;
  pageHelmet()({} as Request, recorder as unknown as Response, (error?: unknown) => {
    recordingError = error;
  });
  if (recordingError !== undefined || !headers.length) throw new Error('pageSecurityHeaders: helmet did not produce its headers synchronously');
  return (_req: Request, res: Response, next: NextFunction) => {
    for (const name of removed) res.removeHeader(name);
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}

function pageHelmet(): RequestHandler {
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

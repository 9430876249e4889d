/** GET <mount>/assets/mojeid.css: the pages' stylesheet, served so the CSP can forbid inline styles. */
import { Router } from 'express';
import { STYLESHEET } from '../views/pages.js';

export function assetsRouter(): Router {
  const router = Router();
  router.get('/assets/mojeid.css', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=86400');
    res.type('text/css').send(STYLESHEET);
  });
  return router;
}

import express from 'express';
import session from 'express-session';
import request from 'supertest';
import { csrfProtection, csrfToken, isMojeIdError } from '../../src/index.js';

function appWithProtectedPost(): express.Express {
  const app = express();
  app.use(session({ secret: 's', resave: false, saveUninitialized: true }));
  app.get('/form', (req, res) => void res.send(csrfToken(req)));
  app.post('/unlink', express.urlencoded({ extended: false }), csrfProtection({ origin: 'https://shop.example.cz' }), (_req, res) => void res.send('unlinked'));
  app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(isMojeIdError(error) ? error.status : 500).send(isMojeIdError(error) ? error.code : 'error');
  });
  return app;
}

describe('csrfProtection for the app’s own POST routes', () => {
  it('accepts the session’s token', async () => {
    const agent = request.agent(appWithProtectedPost());
    const token = (await agent.get('/form')).text;
    const res = await agent.post('/unlink').type('form').send({ _csrf: token });
    expect(res.text).toBe('unlinked');
  });

  it('accepts the token in the X-CSRF-Token header', async () => {
    const agent = request.agent(appWithProtectedPost());
    const token = (await agent.get('/form')).text;
    expect((await agent.post('/unlink').set('x-csrf-token', token)).text).toBe('unlinked');
  });

  it.each([
    ['no token', {}, {}],
    ['a wrong token', { _csrf: 'A'.repeat(43) }, {}],
    ['another origin', 'VALID', { origin: 'https://evil.example' }],
    ['a cross-site fetch', 'VALID', { 'sec-fetch-site': 'cross-site' }],
    ['an opaque origin', 'VALID', { origin: 'null' }],
  ] as const)('refuses %s with 403 csrf_failed', async (_what, body, headers) => {
    const agent = request.agent(appWithProtectedPost());
    const token = (await agent.get('/form')).text;
    const res = await agent
      .post('/unlink')
      .set(headers as Record<string, string>)
      .type('form')
      .send(body === 'VALID' ? { _csrf: token } : body);
    expect(res.status).toBe(403);
    expect(res.text).toBe('csrf_failed');
  });
});

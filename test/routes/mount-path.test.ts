/**
 * `app.use(mojeid())` sits in front of every request of the app; it skips requests outside its
 * mount path without entering Express's router, and must still match everything Express would.
 */
import express from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import request from 'supertest';
import { mojeid, type MojeIdRouterOptions } from '../../src/index.js';

function appWith(options: Partial<MojeIdRouterOptions> = {}): express.Express {
  const passport = new Passport();
  const app = express();
  app.use(session({ secret: 's', resave: false, saveUninitialized: false }));
  app.use(passport.session());
  app.use(
    mojeid({
      useEnvironment: false,
      passport,
      logger: { warn: () => undefined },
      issuer: 'http://127.0.0.1:9/',
      clientId: 'client',
      clientSecret: 'secret',
      baseUrl: 'http://127.0.0.1:3000',
      ...options,
    } as MojeIdRouterOptions),
  );
  app.use((req, res) => void res.status(404).send(`app: ${req.url}`));
  return app;
}

describe('mojeid() and its mount path', () => {
  it.each([
    ['/auth/mojeid', 200],
    ['/auth/mojeid/', 200],
    ['/auth/mojeid?lang=en', 200],
    ['/AUTH/MojeID', 200],
    ['/auth/mojeid/assets/mojeid.css', 200],
  ])('serves %s (Express matches it)', async (path, status) => {
    const res = await request(appWith()).get(path);
    expect(res.status).toBe(status);
    expect(res.text).not.toMatch(/^app:/);
  });

  it("sends the library's security headers on its own pages, error pages included", async () => {
    for (const path of ['/auth/mojeid', '/auth/mojeid/callback?state=unknown&code=x']) {
      const res = await request(appWith()).get(path);
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it.each(['/', '/private', '/auth/mojeidx', '/auth/mojei', '/auth', '/other/auth/mojeid'])('passes %s on to the app untouched', async (path) => {
    const res = await request(appWith()).get(path);
    expect(res.status).toBe(404);
    expect(res.text).toBe(`app: ${path}`);
    // The library's security headers are set only on its own pages.
    expect(res.headers['content-security-policy']).toBeUndefined();
  });

  it('serves everything below a custom mount path, and nothing else', async () => {
    const app = appWith({ mountPath: '/login/mojeid' });
    expect((await request(app).get('/login/mojeid')).status).toBe(200);
    expect((await request(app).get('/auth/mojeid')).text).toBe('app: /auth/mojeid');
  });

  it('serves its pages at the root when mounted at /', async () => {
    const app = appWith({ mountPath: '/' });
    const res = await request(app).get('/login?returnTo=%2F');
    // Discovery against the unreachable issuer fails: the library's own 503 page, not the app's 404.
    expect(res.status).toBe(503);
    expect((await request(app).get('/private')).text).toBe('app: /private');
  });

  it('is still a Router to callers that use it as one', async () => {
    const router = mojeid({ useEnvironment: false, passport: new Passport(), issuer: 'http://127.0.0.1:9/', clientId: 'c', clientSecret: 's', baseUrl: 'http://127.0.0.1:3000' } as MojeIdRouterOptions);
    router.get('/auth/mojeid/extra', (_req, res) => void res.send('extra'));
    const app = express();
    app.use(session({ secret: 's', resave: false, saveUninitialized: false }));
    app.use(router);
    expect((await request(app).get('/auth/mojeid/extra')).text).toBe('extra');
    expect(router.stack.length).toBeGreaterThan(1);
  });
});

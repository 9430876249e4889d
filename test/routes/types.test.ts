/**
 * The verify callback must be typed from context in every form an app writes it; `npm run
 * typecheck` compiles this file, and a regression shows up there as an implicit `any`.
 */
import { Passport } from 'passport';
import { mojeid, MojeIdStrategy } from '../../src/index.js';

const base = { useEnvironment: false, environment: 'test', clientId: 'c', clientSecret: 's', baseUrl: 'https://app.example.cz' } as const;

it('accepts each verify form with contextual types, and a separate Passport instance', () => {
  const routers = [
    mojeid({ ...base, verify: (profile, done) => done(null, { id: profile.id }) }),
    mojeid({ ...base, passReqToCallback: true, verify: (req, profile, done) => done(null, { id: `${profile.id}${req.path}` }) }),
    mojeid({ ...base, verify: async (profile) => ({ id: profile.claims.sub }) }),
    mojeid({ ...base, passport: new Passport() }),
  ];
  expect(routers.map((r) => r.strategy.name)).toEqual(['mojeid', 'mojeid', 'mojeid', 'mojeid']);
  const strategy = new MojeIdStrategy({ ...base, name: 'mojeid-high', acrValues: 'high' }, (profile, done) => done(null, { id: profile.id }));
  expect(strategy.config.acrLevel).toBe('high');
});

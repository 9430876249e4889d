/**
 * POST /auth/mojeid/notify over real TLS sockets (§6.2, §6.3): who may notify (a client
 * certificate from the CZ.NIC CA, a trusted proxy's header), what is accepted, and that every
 * refusal leaves the stored state as it was: the nonce is still there for the real notification.
 */
import { X509Certificate, createHash } from 'node:crypto';
import { MemoryRegistrationStore, type PendingRegistration, type RegistrationStore } from '../../src/index.js';
import { TestCertificateAuthority, selfSignedCertificate, type IssuedCertificate } from 'mojeid-simulator';
import { deliver } from '../../simulator/src/notifications.js';
import { postNotification, startNotifyApp, startVerifyingProxy, type NotifyApp, type VerifyingProxy } from '../helpers/notify.js';

/** Counts the store calls, to show refused requests never reach it. */
class SpyStore implements RegistrationStore {
  readonly inner = new MemoryRegistrationStore();
  readonly calls: string[] = [];
  save(r: PendingRegistration): Promise<void> {
    this.calls.push('save');
    return this.inner.save(r);
  }
  consume(nonce: string): Promise<PendingRegistration | undefined> {
    this.calls.push('consume');
    return this.inner.consume(nonce);
  }
  markDelivered(key: string, ttl: number): Promise<boolean> {
    this.calls.push('markDelivered');
    return this.inner.markDelivered(key, ttl);
  }
  forgetDelivered(key: string): Promise<void> {
    this.calls.push('forgetDelivered');
    return this.inner.forgetDelivered(key);
  }
}

const cznic = TestCertificateAuthority.create({ commonName: 'Test CZ.NIC client CA' });
const otherCa = TestCertificateAuthority.create({ commonName: 'Some other CA' });
const serverCert = cznic.issueServerCertificate(['127.0.0.1', 'localhost']);
const mojeidCert = cznic.issue({ commonName: 'mojeid.cz notifications', kind: 'client' });
const expiredCert = cznic.issue({ commonName: 'mojeid.cz old', kind: 'client', notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') });
const otherCaCert = otherCa.issue({ commonName: 'mojeid.cz impostor', kind: 'client' });
const selfSigned = selfSignedCertificate({ commonName: 'mojeid.cz self-signed', kind: 'client' });
const intermediate = cznic.issueSubordinate('Test CZ.NIC intermediate');
const viaIntermediate = intermediate.issue({ commonName: 'mojeid.cz via intermediate', kind: 'client' });
/** CZ.NIC issues client certificates per client (§6.2): another client's, from the same CA. */
const anotherClientCert = cznic.issue({ commonName: 'another CZ.NIC client', kind: 'client' });
const spkiPin = (pem: string): string => `sha256/${createHash('sha256').update(new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' })).digest('base64')}`;

const NONCE = 'n0nce-issued-by-the-app-Qm8rT2kLpAxyz0123456789abcdefghi';
const SUB = '248289761099';

let app: NotifyApp;
let store: SpyStore;

/** The app trusts both CAs at the TLS layer (as a server might, for other client certificates); only CZ.NIC's may notify. */
async function startTlsApp(): Promise<void> {
  store = new SpyStore();
  app = await startNotifyApp({
    tls: { certPem: serverCert.certPem, keyPem: serverCert.keyPem, clientCa: [cznic.certPem, otherCa.certPem] },
    store,
    router: { notifyCa: cznic.certPem },
  });
  await store.inner.save({ registrationNonce: NONCE, localUser: 'user-42', variant: 'registration', createdAt: Date.now(), expiresAt: Date.now() + 600_000 });
  store.calls.length = 0;
}

function notify(params: Record<string, string> | string, cert?: IssuedCertificate | { certPem: string; keyPem: string }, extra: { headers?: Record<string, string> } = {}) {
  return postNotification(`${app.origin}/auth/mojeid/notify`, params, {
    ca: cznic.certPem,
    ...(cert ? { cert: cert.certPem, key: cert.keyPem } : {}),
    ...extra,
  });
}

const registered = { registration_nonce: NONCE, sub: SUB, status: 'REGISTERED' };

/** The nonce survived: the real notification is still accepted, exactly once. */
async function expectStateUnchanged(): Promise<void> {
  expect(app.notifications).toEqual([]);
  const answer = await notify(registered, mojeidCert);
  expect(answer).toEqual({ status: 200, body: 'mode:accept\n' });
  expect(app.notifications).toHaveLength(1);
}

afterEach(async () => {
  await app?.close();
});

describe('the notification endpoint over TLS (§6.2)', () => {
  beforeEach(startTlsApp);

  it('accepts REGISTERED with a certificate from the CZ.NIC CA and a nonce it issued', async () => {
    const answer = await notify(registered, mojeidCert);
    expect(answer).toEqual({ status: 200, body: 'mode:accept\n' });
    expect(app.notifications).toEqual([{ sub: SUB, status: 'REGISTERED', localUser: 'user-42', repeat: false, variant: 'registration', via: 'tls' }]);
  });

  it('accepts a certificate issued through an intermediate the client presents', async () => {
    const answer = await notify(registered, { certPem: viaIntermediate.certPem + intermediate.certPem, keyPem: viaIntermediate.keyPem });
    expect(answer.body).toBe('mode:accept\n');
  });

  it('answers 403 without a client certificate, before reading the body', async () => {
    const answer = await notify(registered);
    expect(answer).toEqual({ status: 403, body: 'client certificate required\n' });
    expect(store.calls).toEqual([]);
    expect(app.errors.map((e) => (e as { refusal?: string }).refusal)).toEqual(['certificate_missing']);
    await expectStateUnchanged();
  });

  it.each([
    ['a self-signed', selfSigned],
    ['an expired', expiredCert],
    ['another CA’s (trusted by the TLS layer, not for mojeID)', otherCaCert],
  ])('refuses %s certificate with 403 and changes nothing', async (_label, cert) => {
    const answer = await notify(registered, cert);
    expect(answer).toEqual({ status: 403, body: 'client certificate not accepted\n' });
    expect(store.calls).toEqual([]);
    expect(app.errors[0]).toMatchObject({ code: 'notification_refused', refusal: 'certificate_invalid', status: 403 });
    await expectStateUnchanged();
  });

  it('answers an unknown nonce 404 outside the key-value form, so mojeID tries its next address, and keeps the issued one', async () => {
    const answer = await notify({ ...registered, registration_nonce: 'never-issued-nonce' }, mojeidCert);
    expect(answer).toEqual({ status: 404, body: 'unknown registration_nonce\n' });
    expect(app.errors[0]).toMatchObject({ refusal: 'unknown_nonce', status: 404 });
    await expectStateUnchanged();
  });

  it('accepts a nonce once: a repeated delivery gets the same answer and the hook is not called again', async () => {
    expect((await notify(registered, mojeidCert)).body).toBe('mode:accept\n');
    const replay = await notify(registered, mojeidCert);
    expect(replay).toEqual({ status: 200, body: 'mode:accept\n' });
    expect(app.notifications).toHaveLength(1);
  });

  it('repeats a rejection by the app for a repeated delivery, without asking the app again', async () => {
    app.decide = () => ({ accept: false, reason: 'already linked' });
    expect((await notify(registered, mojeidCert)).body).toBe('mode:reject\nreason:already linked\n');
    expect((await notify(registered, mojeidCert))).toEqual({ status: 200, body: 'mode:reject\nreason:rejected\n' });
    expect(app.notifications).toHaveLength(1);
  });

  it('rejects a nonce already used for another sub (a decision about the content)', async () => {
    expect((await notify(registered, mojeidCert)).body).toBe('mode:accept\n');
    const other = await notify({ ...registered, sub: '248289761000' }, mojeidCert);
    expect(other).toEqual({ status: 200, body: 'mode:reject\nreason:registration_nonce already used\n' });
    expect(app.notifications.map((n) => n.sub)).toEqual([SUB]);
  });

  it('answers a delivery racing the first one for the same nonce outside the key-value form', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    app.decide = async () => {
      await held;
      return true;
    };
    const first = notify(registered, mojeidCert);
    while (app.notifications.length === 0) await new Promise((resolve) => setImmediate(resolve));
    const second = await notify(registered, mojeidCert);
    expect(second).toEqual({ status: 409, body: 'registration_nonce being handled\n' });
    release();
    expect((await first).body).toBe('mode:accept\n');
  });

  it.each([
    ['a repeated parameter', `${new URLSearchParams(registered).toString()}&sub=other`],
    ['no sub', new URLSearchParams({ registration_nonce: NONCE, status: 'REGISTERED' }).toString()],
    ['REGISTERED without a nonce', new URLSearchParams({ sub: SUB, status: 'REGISTERED' }).toString()],
    ['a sub with spaces', new URLSearchParams({ ...registered, sub: 'a b' }).toString()],
    ['a body that is not form-encoded', '%%%\u0000'],
  ])('answers 400 to a malformed body (%s) and changes nothing', async (_label, body) => {
    const answer = await notify(body, mojeidCert);
    expect(answer).toEqual({ status: 400, body: 'malformed notification\n' });
    await expectStateUnchanged();
  });

  it('answers 413 to an oversized body and changes nothing', async () => {
    const answer = await notify({ ...registered, padding: 'x'.repeat(5000) }, mojeidCert);
    expect(answer).toEqual({ status: 413, body: 'request too large\n' });
    expect(store.calls).toEqual([]);
    await expectStateUnchanged();
  });

  it('answers a status outside the four values 400 outside the key-value form and changes nothing', async () => {
    const answer = await notify({ ...registered, status: 'DELETED' }, mojeidCert);
    expect(answer).toEqual({ status: 400, body: 'unknown status\n' });
    await expectStateUnchanged();
  });

  it('ignores unknown fields', async () => {
    const answer = await notify({ ...registered, openid_mode: 'x', extra: 'y' }, mojeidCert);
    expect(answer.body).toBe('mode:accept\n');
  });

  it("answers the app's rejection with its reason on one line", async () => {
    app.decide = () => ({ accept: false, reason: 'already linked\nmode:accept' });
    const answer = await notify(registered, mojeidCert);
    expect(answer).toEqual({ status: 200, body: 'mode:reject\nreason:already linked mode:accept\n' });
  });

  it('puts the nonce back and answers 500 without key-value when the hook fails, so the next delivery succeeds', async () => {
    app.decide = () => {
      throw new Error('database down');
    };
    const failed = await notify(registered, mojeidCert);
    expect(failed.status).toBe(500);
    expect(failed.body).not.toContain('mode:');
    app.decide = () => true;
    app.notifications.length = 0;
    expect((await notify(registered, mojeidCert)).body).toBe('mode:accept\n');
  });

  it('tells the hook a repeated status change from the first delivery (§6.3)', async () => {
    const change = { sub: SUB, status: 'VALIDATED' };
    expect((await notify(change, mojeidCert)).body).toBe('mode:accept\n');
    expect((await notify(change, mojeidCert)).body).toBe('mode:accept\n');
    expect((await notify({ sub: SUB, status: 'CONDITIONALLY_IDENTIFIED' }, mojeidCert)).body).toBe('mode:accept\n');
    expect(app.notifications.map((n) => [n.status, n.repeat, n.localUser])).toEqual([
      ['VALIDATED', false, undefined],
      ['VALIDATED', true, undefined],
      ['CONDITIONALLY_IDENTIFIED', false, undefined],
    ]);
  });

  it('a status change that failed in the hook counts as first when repeated', async () => {
    app.decide = () => {
      throw new Error('busy');
    };
    expect((await notify({ sub: SUB, status: 'IDENTIFIED' }, mojeidCert)).status).toBe(500);
    app.decide = () => true;
    expect((await notify({ sub: SUB, status: 'IDENTIFIED' }, mojeidCert)).body).toBe('mode:accept\n');
    expect(app.notifications.map((n) => n.repeat)).toEqual([false, false]);
  });

  it('never logs the nonce', async () => {
    await notify(registered);
    await notify({ ...registered, status: 'DELETED' }, mojeidCert);
    await notify({ ...registered, registration_nonce: 'secret-nonce-value' }, mojeidCert);
    expect(app.logLines.length).toBeGreaterThan(2);
    for (const line of app.logLines) {
      expect(line).not.toContain(NONCE);
      expect(line).not.toContain('secret-nonce-value');
    }
  });

  it('refuses a verification header sent straight to the TLS port (not from a trusted proxy)', async () => {
    const answer = await notify(registered, undefined, { headers: { 'x-ssl-client-verify': 'SUCCESS' } });
    expect(answer.status).toBe(403);
    await expectStateUnchanged();
  });
});

describe('behind a TLS-terminating proxy (MOJEID_NOTIFY_TRUSTED_PROXIES)', () => {
  let proxy: VerifyingProxy;

  beforeEach(async () => {
    store = new SpyStore();
    // The app listens on plain HTTP; the proxy reaches it from 127.0.0.2, the only trusted address.
    // The proxy's CA file holds another CA too (for other client certificates it checks).
    app = await startNotifyApp({ store, router: { notifyTrustedProxies: ['127.0.0.2'], notifyCa: cznic.certPem } });
    await store.inner.save({ registrationNonce: NONCE, localUser: 'user-42', variant: 'registration', createdAt: Date.now(), expiresAt: Date.now() + 600_000 });
    store.calls.length = 0;
    proxy = await startVerifyingProxy({ certPem: serverCert.certPem, keyPem: serverCert.keyPem, clientCa: [cznic.certPem, otherCa.certPem], upstream: app.origin, localAddress: '127.0.0.2' });
  });

  async function otherProxy(options: { forwardCertificate?: false | 'nginx' | 'apache' }): Promise<VerifyingProxy> {
    const started = await startVerifyingProxy({ certPem: serverCert.certPem, keyPem: serverCert.keyPem, clientCa: [cznic.certPem, otherCa.certPem], upstream: app.origin, localAddress: '127.0.0.2', ...options });
    extraProxies.push(started);
    return started;
  }
  const extraProxies: VerifyingProxy[] = [];
  afterEach(async () => {
    for (const p of extraProxies.splice(0)) await p.close();
  });

  afterEach(async () => {
    await proxy.close();
  });

  const viaProxy = (cert?: IssuedCertificate, headers?: Record<string, string>) =>
    postNotification(`${proxy.origin}/auth/mojeid/notify`, registered, { ca: cznic.certPem, ...(cert ? { cert: cert.certPem, key: cert.keyPem } : {}), ...(headers ? { headers } : {}) });

  it('accepts a valid certificate verified by the trusted proxy', async () => {
    const answer = await viaProxy(mojeidCert);
    expect(answer).toEqual({ status: 200, body: 'mode:accept\n' });
    expect(app.notifications[0]).toMatchObject({ via: 'proxy', localUser: 'user-42' });
  });

  it('refuses a certificate from another CA the proxy trusts: its SUCCESS does not say which CA it checked', async () => {
    const answer = await viaProxy(otherCaCert);
    expect(answer).toEqual({ status: 403, body: 'client certificate not accepted\n' });
    expect(app.errors[0]).toMatchObject({ refusal: 'certificate_invalid' });
    expect(store.calls).toEqual([]);
    await expectStateUnchangedViaProxy();
  });

  it('accepts the certificate forwarded the way Apache does (%{SSL_CLIENT_CERT}s)', async () => {
    const apache = await otherProxy({ forwardCertificate: 'apache' });
    const answer = await postNotification(`${apache.origin}/auth/mojeid/notify`, registered, { ca: cznic.certPem, cert: mojeidCert.certPem, key: mojeidCert.keyPem });
    expect(answer).toEqual({ status: 200, body: 'mode:accept\n' });
  });

  it('refuses SUCCESS without the forwarded certificate unless the verdict-only mode is chosen', async () => {
    const bare = await otherProxy({ forwardCertificate: false });
    const refused = await postNotification(`${bare.origin}/auth/mojeid/notify`, registered, { ca: cznic.certPem, cert: mojeidCert.certPem, key: mojeidCert.keyPem });
    expect(refused).toEqual({ status: 403, body: 'client certificate required\n' });
    expect(app.errors[0]).toMatchObject({ refusal: 'certificate_missing' });
    await expectStateUnchangedViaProxy();
  });

  it('checks a forwarded certificate issued by an intermediate against the intermediate in MOJEID_NOTIFY_CA_FILE (the proxy forwards the leaf only)', async () => {
    const chainCert = { certPem: viaIntermediate.certPem + intermediate.certPem, keyPem: viaIntermediate.keyPem };
    const post = (origin: string) => postNotification(`${origin}/auth/mojeid/notify`, registered, { ca: cznic.certPem, cert: chainCert.certPem, key: chainCert.keyPem });
    // Only the root configured: the leaf alone does not reach it.
    expect(await post(proxy.origin)).toEqual({ status: 403, body: 'client certificate not accepted\n' });
    await app.close();
    app = await startNotifyApp({ store, router: { notifyTrustedProxies: ['127.0.0.2'], notifyCa: cznic.certPem + intermediate.certPem } });
    const withIntermediate = await startVerifyingProxy({ certPem: serverCert.certPem, keyPem: serverCert.keyPem, clientCa: [cznic.certPem], upstream: app.origin, localAddress: '127.0.0.2' });
    extraProxies.push(withIntermediate);
    expect(await post(withIntermediate.origin)).toEqual({ status: 200, body: 'mode:accept\n' });
  });

  it('refuses another CZ.NIC client’s certificate forwarded by the proxy when pins are set', async () => {
    await app.close();
    app = await startNotifyApp({ store, router: { notifyTrustedProxies: ['127.0.0.2'], notifyCa: cznic.certPem, notifyPins: [spkiPin(mojeidCert.certPem)] } });
    const pinned = await startVerifyingProxy({ certPem: serverCert.certPem, keyPem: serverCert.keyPem, clientCa: [cznic.certPem], upstream: app.origin, localAddress: '127.0.0.2' });
    extraProxies.push(pinned);
    const post = (cert: IssuedCertificate) => postNotification(`${pinned.origin}/auth/mojeid/notify`, registered, { ca: cznic.certPem, cert: cert.certPem, key: cert.keyPem });
    expect(await post(anotherClientCert)).toEqual({ status: 403, body: 'client certificate not accepted\n' });
    expect(app.errors[0]).toMatchObject({ refusal: 'certificate_invalid', message: expect.stringContaining('MOJEID_NOTIFY_PINS') });
    expect(await post(mojeidCert)).toEqual({ status: 200, body: 'mode:accept\n' });
  });

  it('refuses what the proxy could not verify, even when the client forges the header', async () => {
    const answer = await viaProxy(otherCaCert, { 'x-ssl-client-verify': 'SUCCESS' });
    expect(answer.status).toBe(403);
    expect(store.calls).toEqual([]);
    const none = await viaProxy(undefined, { 'x-ssl-client-verify': 'SUCCESS' });
    expect(none.status).toBe(403);
    await expectStateUnchangedViaProxy();
  });

  it('refuses a forged header from an address that is not a trusted proxy', async () => {
    const answer = await postNotification(`${app.origin}/auth/mojeid/notify`, registered, { headers: { 'x-ssl-client-verify': 'SUCCESS' }, localAddress: '127.0.0.1' });
    expect(answer).toEqual({ status: 403, body: 'client certificate required\n' });
    expect(app.errors[0]).toMatchObject({ refusal: 'untrusted_proxy_header' });
    expect(store.calls).toEqual([]);
    await expectStateUnchangedViaProxy();
  });

  async function expectStateUnchangedViaProxy(): Promise<void> {
    expect(app.notifications).toEqual([]);
    expect((await viaProxy(mojeidCert)).body).toBe('mode:accept\n');
  }
});

describe('the weaker verdict-only proxy mode (MOJEID_NOTIFY_PROXY_VERDICT_ONLY)', () => {
  it("believes a trusted proxy's SUCCESS alone, only when chosen explicitly", async () => {
    const memory = new MemoryRegistrationStore();
    app = await startNotifyApp({ store: memory, router: { notifyTrustedProxies: ['127.0.0.2'], notifyProxyVerdictOnly: true } });
    await memory.save({ registrationNonce: NONCE, localUser: 'user-42', variant: 'registration', createdAt: Date.now(), expiresAt: Date.now() + 600_000 });
    const proxy = await startVerifyingProxy({ certPem: serverCert.certPem, keyPem: serverCert.keyPem, clientCa: [cznic.certPem], upstream: app.origin, localAddress: '127.0.0.2', forwardCertificate: false });
    try {
      const answer = await postNotification(`${proxy.origin}/auth/mojeid/notify`, registered, { ca: cznic.certPem, cert: mojeidCert.certPem, key: mojeidCert.keyPem });
      expect(answer).toEqual({ status: 200, body: 'mode:accept\n' });
      expect(app.notifications[0]).toMatchObject({ via: 'proxy' });
    } finally {
      await proxy.close();
    }
  });
});

describe('pinned notification certificate (MOJEID_NOTIFY_PINS)', () => {
  it.each([
    ['an SPKI pin', () => spkiPin(mojeidCert.certPem)],
    ['a subject pin', () => 'subject:CN=mojeid.cz notifications'],
  ])('with %s, refuses another CZ.NIC client’s certificate and accepts mojeID’s', async (_label, pin) => {
    store = new SpyStore();
    app = await startNotifyApp({
      tls: { certPem: serverCert.certPem, keyPem: serverCert.keyPem, clientCa: [cznic.certPem] },
      store,
      router: { notifyCa: cznic.certPem, notifyPins: [pin()] },
    });
    await store.inner.save({ registrationNonce: NONCE, localUser: 'user-42', variant: 'registration', createdAt: Date.now(), expiresAt: Date.now() + 600_000 });
    store.calls.length = 0;
    const refused = await notify(registered, anotherClientCert);
    expect(refused).toEqual({ status: 403, body: 'client certificate not accepted\n' });
    expect(app.errors[0]).toMatchObject({ refusal: 'certificate_invalid', message: expect.stringContaining('MOJEID_NOTIFY_PINS') });
    expect(store.calls).toEqual([]);
    await expectStateUnchanged();
  });

  it('without pins, any certificate from the CZ.NIC CA is accepted (why pins are recommended)', async () => {
    await startTlsApp();
    expect(await notify(registered, anotherClientCert)).toEqual({ status: 200, body: 'mode:accept\n' });
  });
});

describe('plain HTTP (§6.2: the test instance sends no certificate)', () => {
  it('is refused with 403 unless the test mode is on', async () => {
    app = await startNotifyApp({ router: { notifyCa: cznic.certPem } });
    const answer = await postNotification(`${app.origin}/auth/mojeid/notify`, { sub: SUB, status: 'VALIDATED' });
    expect(answer.status).toBe(403);
    expect(app.notifications).toEqual([]);
  });

  it('is accepted in the explicit test mode, and the nonce check still applies', async () => {
    const store = new MemoryRegistrationStore();
    app = await startNotifyApp({ store, router: { notifyInsecureTestMode: true } });
    await store.save({ registrationNonce: NONCE, localUser: 'user-7', variant: 'registration', createdAt: Date.now(), expiresAt: Date.now() + 60_000 });
    const url = `${app.origin}/auth/mojeid/notify`;
    expect(await postNotification(url, { ...registered, registration_nonce: 'other' })).toEqual({ status: 404, body: 'unknown registration_nonce\n' });
    expect((await postNotification(url, registered)).body).toBe('mode:accept\n');
    expect(app.notifications[0]).toMatchObject({ via: 'insecure_test_mode', localUser: 'user-7' });
    expect(app.logLines.some((l) => l.includes('MOJEID_NOTIFY_INSECURE_TEST_MODE is on'))).toBe(true);
  });

  it('expired nonces are unknown', async () => {
    const store = new MemoryRegistrationStore();
    app = await startNotifyApp({ store, router: { notifyInsecureTestMode: true } });
    await store.save({ registrationNonce: NONCE, localUser: 'user-7', variant: 'registration', createdAt: Date.now() - 10_000, expiresAt: Date.now() - 1 });
    expect(await postNotification(`${app.origin}/auth/mojeid/notify`, registered)).toEqual({ status: 404, body: 'unknown registration_nonce\n' });
  });
});

describe('several assertion_uris (§6.3: no answer in the correct format sends the message to the next address)', () => {
  let other: NotifyApp | undefined;
  afterEach(async () => {
    await other?.close();
    other = undefined;
  });

  const transport = { clientCert: mojeidCert.certPem, clientKey: mojeidCert.keyPem, trustedCa: [cznic.certPem], timeout: 10_000 };

  it('reaches the instance that holds the nonce when the first one does not know it', async () => {
    await startTlsApp();
    other = await startNotifyApp({ tls: { certPem: serverCert.certPem, keyPem: serverCert.keyPem, clientCa: [cznic.certPem] }, router: { notifyCa: cznic.certPem } });
    const delivery = await deliver([`${other.origin}/auth/mojeid/notify`, `${app.origin}/auth/mojeid/notify`], registered, transport);
    expect(delivery.attempts.map((a) => [a.outcome, a.httpStatus])).toEqual([['invalid', 404], ['accept', 200]]);
    expect(delivery.outcome).toBe('accept');
    expect(app.notifications).toHaveLength(1);
  });

  it('reaches the next instance when the first one does not accept the certificate', async () => {
    await startTlsApp();
    other = await startNotifyApp({ tls: { certPem: serverCert.certPem, keyPem: serverCert.keyPem, clientCa: [cznic.certPem] }, router: { notifyCa: otherCa.certPem } });
    const delivery = await deliver([`${other.origin}/auth/mojeid/notify`, `${app.origin}/auth/mojeid/notify`], registered, transport);
    expect(delivery.attempts.map((a) => [a.outcome, a.httpStatus])).toEqual([['invalid', 403], ['accept', 200]]);
    expect(app.notifications).toHaveLength(1);
  });
});

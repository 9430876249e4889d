/**
 * A cookie-keeping HTTP client that does not follow redirects by itself, so tests see and assert
 * each hop of a login: app -> provider -> app.
 */
export interface Hop {
  readonly status: number;
  readonly location: string | undefined;
  readonly body: string;
  readonly headers: Headers;
}

export class TestBrowser {
  readonly #cookies = new Map<string, Map<string, string>>();
  /** `host name` keys of cookies set with SameSite=Strict. */
  readonly #strict = new Set<string>();

  /** The Cookie header; a cross-site navigation (a redirect from mojeID) leaves out SameSite=Strict cookies. */
  cookieHeader(url: URL, crossSite = false): string {
    const jar = this.#cookies.get(url.host);
    if (!jar) return '';
    return [...jar]
      .filter(([k]) => !(crossSite && this.#strict.has(`${url.host} ${k}`)))
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
  }

  cookie(origin: string, name: string): string | undefined {
    return this.#cookies.get(new URL(origin).host)?.get(name);
  }

  setCookie(origin: string, name: string, value: string): void {
    const host = new URL(origin).host;
    const jar = this.#cookies.get(host) ?? new Map<string, string>();
    jar.set(name, value);
    this.#cookies.set(host, jar);
  }

  async request(url: string | URL, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string>; crossSite?: boolean } = {}): Promise<Hop> {
    const target = new URL(url);
    const headers: Record<string, string> = { ...init.headers };
    const cookie = this.cookieHeader(target, init.crossSite);
    if (cookie) headers['cookie'] = cookie;
    let body: string | undefined;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const response = await fetch(target, { method: init.method ?? (init.form ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq < 0) continue;
      const jar = this.#cookies.get(target.host) ?? new Map<string, string>();
      const value = pair.slice(eq + 1).trim();
      const name = pair.slice(0, eq).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') jar.delete(name);
      else jar.set(name, value);
      if (/;\s*samesite=strict/i.test(line)) this.#strict.add(`${target.host} ${name}`);
      else this.#strict.delete(`${target.host} ${name}`);
      this.#cookies.set(target.host, jar);
    }
    const location = response.headers.get('location') ?? undefined;
    return { status: response.status, location: location ? new URL(location, target).href : undefined, body: await response.text(), headers: response.headers };
  }

  get(url: string | URL, headers?: Record<string, string>): Promise<Hop> {
    return this.request(url, headers ? { headers } : {});
  }

  post(url: string | URL, form: Record<string, string>, headers?: Record<string, string>): Promise<Hop> {
    return this.request(url, { form, ...(headers ? { headers } : {}) });
  }
}

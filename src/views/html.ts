/**
 * HTML escaped by construction: every `${value}` in an `html` template is escaped unless it is
 * itself the result of `html` (or `trustedHtml`), so a template cannot forget to escape. The
 * library's pages are built with it; apps may use it for theirs (`String(page)` or `res.send(`${page}`)`).
 */
export class SafeHtml {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  toString(): string {
    return this.#value;
  }
}

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => ENTITIES[c] ?? c);
}

/** What an `html` template accepts: markup, text (escaped), nothing (`null`, `undefined`, `false`), or lists of them. */
export type Interpolation = SafeHtml | string | number | boolean | null | undefined | readonly Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.toString();
  if (Array.isArray(value)) return value.map((v: Interpolation) => render(v)).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/**
 * Markup that is safe by construction (what `loginButton()` or `logoutForm()` return) as `SafeHtml`,
 * so an `html` template puts it in unescaped. Never for anything that came from a request.
 */
export function trustedHtml(value: string): SafeHtml {
  return new SafeHtml(value);
}

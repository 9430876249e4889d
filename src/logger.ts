/**
 * The library's log sink: one `warn(message, fields)` an app can point at its own logger. A leaf:
 * it imports nothing of the library, so the strategy and the routes can both log.
 */

/** Log lines carry a code and a secret-free message; never tokens, claims or stack traces. */
export interface MojeIdLogger {
  warn(message: string, fields: Readonly<Record<string, string | number | undefined>>): void;
}

// C0 and C1 controls, DEL and the Unicode line/paragraph separators: any of them could start a
// forged log line or move a terminal's cursor, so none reaches the console raw.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** `text` with control characters written as `\n`, `\u001b`, …: one log line stays one line. */
export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROL, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

export const consoleLogger: MojeIdLogger = {
  warn(message, fields) {
    // Field values are JSON strings, which escape controls themselves; the message is escaped here.
    const detail = Object.entries(fields)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${escapeControlCharacters(k)}=${escapeControlCharacters(JSON.stringify(v))}`)
      .join(' ');
    console.warn(`[mojeid] ${escapeControlCharacters(message)}${detail ? ` ${detail}` : ''}`);
  },
};

/**
 * A warning that says once per process what would otherwise repeat on every request (a wiring
 * mistake is the same mistake each time). Keyed by the caller's `key`.
 */
export class OnceLogger {
  readonly #said = new Set<string>();
  constructor(readonly logger: MojeIdLogger) {}

  warn(key: string, message: string, fields: Readonly<Record<string, string | number | undefined>> = {}): void {
    if (this.#said.has(key)) return;
    this.#said.add(key);
    this.logger.warn(message, fields);
  }
}

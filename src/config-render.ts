/**
 * Renders the configuration schema for people: docs/configuration.md's option table and the
 * library's part of `.env.example`, grouped and commented. Both are generated, and tests fail when
 * the committed files differ from what this renders (`npm run docs` rewrites them).
 */
import { SCHEMA, defaultTextOf, type ConfigurationGroup, type SchemaEntry } from './config-schema.js';

/** Headings and introductions of the `.env.example` sections, in order. */
const GROUPS: Readonly<Record<ConfigurationGroup, { readonly heading: string; readonly intro?: string }>> = {
  provider: { heading: 'Which mojeID' },
  client: { heading: 'Your client registration (§5.1.3)' },
  renewal: {
    heading: 'Renewal of a dynamic registration (§5.1.3; docs/registration.md)',
    intro:
      "`npx passport-mojeid-oidc register --env test --redirect-uri <callback> --dotenv .env` writes the client variables above and these. A dynamic registration's secret expires after 24 hours; with the registration access token set, the library renews it before then by itself.",
  },
  app: { heading: 'Where your app is' },
  request: { heading: 'What to ask for (Appendix 7 point 4: ask only for what you use)' },
  rules: { heading: 'Login rules' },
  network: { heading: 'Network and timing' },
  logout: { heading: 'Logout (ch. 7)' },
  pages: { heading: "The library's pages" },
  'account-creation': { heading: 'Account creation from the app (ch. 6; docs/account-creation.md)' },
  notifications: {
    heading: "mojeID's notifications about created accounts (§6.2; docs/account-creation.md)",
    intro: 'Register <BASE_URL>/auth/mojeid/notify as assertion_uris of your client (§6.2). mojeID calls it with a client certificate issued by CZ.NIC; the app checks it itself (MOJEID_NOTIFY_CA_FILE) or believes a reverse proxy that did (MOJEID_NOTIFY_TRUSTED_PROXIES).',
  },
};

const ENV_WIDTH = 100;

/** docs/configuration.md's option table, from the schema. */
export function renderConfigurationTable(): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = (SCHEMA as readonly SchemaEntry[]).map(
    (e) => `| \`${e.variable}\` | \`${e.option}\` | ${cell(defaultTextOf(e))} | \`${cell(e.example)}\` | ${cell(e.description)} |`,
  );
  return ['| Variable | Option | Default | Example | Meaning |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** `# `-prefixed lines of at most ENV_WIDTH characters (a longer word keeps its own line). */
function comment(text: string): string[] {
  const lines: string[] = [];
  let line = '#';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line.length + 1 + word.length > ENV_WIDTH && line !== '#') {
      lines.push(line);
      line = '#';
    }
    line += ` ${word}`;
  }
  if (line !== '#') lines.push(line);
  return lines;
}

/** "Default: 10." / "Required." / "Default: none (no renewal)." from the reference's wording. */
function defaultSentence(entry: SchemaEntry): string {
  if (entry.required !== undefined) return 'Required.';
  const text = defaultTextOf(entry);
  if (text === '(required)') return 'Required.';
  const words = /^\((.*)\)$/.exec(text);
  const said = words ? (words[1] as string).replace(/^([^:]+): (.*)$/, '$1 ($2)') : text;
  return `Default: ${said}.`;
}

/**
 * The library's part of `.env.example`: every `MOJEID_*` variable by group, its meaning, default
 * and example, commented out. Secrets get an empty example, so a copied file holds none.
 */
export function renderEnvExample(): string {
  const out: string[] = [
    '# -----------------------------------------------------------------------------------------------',
    "# The library's MOJEID_* variables (the same list and meanings as docs/configuration.md; both are",
    '# generated from src/config-schema.ts). Options passed to mojeid() in code win over these.',
    '# -----------------------------------------------------------------------------------------------',
  ];
  for (const [group, { heading, intro }] of Object.entries(GROUPS)) {
    const entries = (SCHEMA as readonly SchemaEntry[]).filter((e) => e.group === group);
    if (!entries.length) continue;
    out.push('', `# --- ${heading} ---`);
    if (intro) out.push(...comment(intro));
    for (const entry of entries) {
      out.push('', ...comment(`${entry.description} ${defaultSentence(entry)}`));
      for (const hint of entry.envHint ?? []) out.push(`# ${hint}`);
      out.push(`#${entry.variable}=${entry.secret ? '' : entry.example}`);
    }
  }
  return `${out.join('\n')}\n`;
}

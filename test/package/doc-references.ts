/**
 * Finds what a markdown file points readers to inside the project: relative link targets
 * (`[text](docs/x.md)`, `![alt](img.png)`, `[id]: target`, `src=`/`href=` attributes) and
 * backticked paths that start with one of the repository's top-level names (`.env.example`,
 * `example-app/…`, `docs/…`). Fenced code blocks and HTML comments are not read.
 */
import path from 'node:path';

export interface DocReference {
  /** The markdown file, relative to the package root. */
  readonly doc: string;
  readonly line: number;
  /** As written (a link target without its `#fragment`, or the backticked text). */
  readonly written: string;
  /** Relative to the package root; starts with `../` when it leaves the package. */
  readonly target: string;
  readonly kind: 'link' | 'image' | 'code';
  /** The paragraph (or table, or list item block) it stands in. */
  readonly paragraph: string;
}

/** A reference to a file the package lacks that is fine, and why. */
export interface RepositoryOnly {
  /** Target path or folder (ending in `/`). */
  readonly target: string;
  readonly why: string;
  /** Only in these docs. */
  readonly docs?: readonly string[];
  /** Only as an image. */
  readonly images?: boolean;
  /** Only where the paragraph says so, e.g. /in the repository/. */
  readonly paragraphSays?: RegExp;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

function paragraphs(markdown: string): { text: string; line: number }[] {
  const lines = markdown
    .replace(/<!--[\s\S]*?-->/g, (comment) => comment.replace(/[^\n]/g, ''))
    .split('\n');
  const out: { text: string; line: number }[] = [];
  let current: string[] = [];
  let start = 0;
  let fence: string | undefined;
  const flush = (): void => {
    if (current.length) out.push({ text: current.join('\n'), line: start + 1 });
    current = [];
  };
  lines.forEach((line, i) => {
    const marker = /^\s*(```|~~~)/.exec(line)?.[1];
    if (fence !== undefined) {
      if (marker === fence) fence = undefined;
      return;
    }
    if (marker !== undefined) {
      flush();
      fence = marker;
      return;
    }
    if (line.trim() === '') return flush();
    if (!current.length) start = i;
    current.push(line);
  });
  flush();
  return out;
}

/**
 * Every reference in `markdown` (the file `doc`) to a path inside the project. `topLevel` maps
 * the repository's top-level names to whether each is a folder; a backticked text counts as a
 * path when its first segment is one of them and it has a `/` or names a top-level file.
 */
export function referencesIn(doc: string, markdown: string, topLevel: ReadonlyMap<string, boolean>): DocReference[] {
  const out: DocReference[] = [];
  const base = path.posix.dirname(doc);
  for (const { text, line } of paragraphs(markdown)) {
    const lineOf = (index: number): number => line + text.slice(0, index).split('\n').length - 1;
    const link = (written: string, index: number, kind: 'link' | 'image'): void => {
      const bare = written.replace(/[#?].*$/, '');
      if (bare === '' || SCHEME.test(bare) || bare.startsWith('//')) return;
      const target = bare.startsWith('/') ? path.posix.normalize(bare.slice(1)) : path.posix.normalize(path.posix.join(base, decodeURI(bare)));
      out.push({ doc, line: lineOf(index), written: bare, target, kind, paragraph: text });
    };
    for (const m of text.matchAll(/(!?)\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+["'(][^)]*)?\)/g)) link(m[2] ?? '', m.index ?? 0, m[1] ? 'image' : 'link');
    for (const m of text.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)) link(m[1] ?? '', m.index ?? 0, 'link');
    for (const m of text.matchAll(/<(img|a)\b[^>]*?\s(?:src|href)="([^"]+)"/gi)) link(m[2] ?? '', m.index ?? 0, m[1]?.toLowerCase() === 'img' ? 'image' : 'link');
    for (const m of text.matchAll(/`([^`\s]+)`/g)) {
      const written = m[1] ?? '';
      const [first = ''] = written.replace(/^\.\//, '').split('/');
      const isDir = topLevel.get(first);
      if (isDir === undefined || (isDir && !written.includes('/'))) continue;
      out.push({ doc, line: lineOf(m.index ?? 0), written, target: path.posix.normalize(written.replace(/^\.\//, '')), kind: 'code', paragraph: text });
    }
  }
  return out;
}

function globRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
}

/** Whether the package's file list holds `target`: the file, a folder with files, or a glob's match. */
export function inPackage(target: string, files: ReadonlySet<string>): boolean {
  const bare = target.replace(/\/$/, '');
  if (files.has(bare)) return true;
  if (bare.includes('*')) {
    const re = globRegExp(bare);
    return [...files].some((f) => re.test(f));
  }
  return [...files].some((f) => f.startsWith(`${bare}/`));
}

function allowedBy(ref: DocReference, rule: RepositoryOnly): boolean {
  const matches = rule.target.endsWith('/') ? `${ref.target}/`.startsWith(rule.target) : ref.target === rule.target;
  if (!matches) return false;
  if (rule.docs && !rule.docs.includes(ref.doc)) return false;
  if (rule.images && ref.kind !== 'image') return false;
  if (rule.paragraphSays && !rule.paragraphSays.test(ref.paragraph)) return false;
  return true;
}

/** The references whose target the package lacks and no rule of `allowed` accepts, as "doc:line `written`". */
export function brokenReferences(refs: readonly DocReference[], files: ReadonlySet<string>, allowed: readonly RepositoryOnly[]): string[] {
  return refs
    .filter((ref) => !inPackage(ref.target, files) && !allowed.some((rule) => allowedBy(ref, rule)))
    .map((ref) => `${ref.doc}:${ref.line} ${ref.kind === 'code' ? `\`${ref.written}\`` : `(${ref.written})`} → ${ref.target} is not in the package`);
}

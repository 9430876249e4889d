/**
 * The code blocks of README.md and docs/*.md, and a type check of each against the library's
 * sources, so a reader copies code that compiles.
 *
 * A block is a complete module unless the line before its fence is `<!-- fragment -->`: a
 * fragment may use the app's usual names without declaring them (`FRAGMENT_PREAMBLE`).
 * `<!-- run: <name> -->` marks a complete block that a test also runs (the quick start's app,
 * the test-runner examples); `runnableBlock` finds it. Both markers are HTML comments, which
 * Markdown renderers do not show.
 */
import { readdirSync, readFileSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export const ROOT = process.cwd();

export interface CodeBlock {
  /** Relative to the repository, e.g. `docs/quick-start.md`. */
  readonly file: string;
  /** 1-based line of the block's first code line in `file`. */
  readonly line: number;
  readonly lang: 'ts' | 'js';
  readonly code: string;
  readonly fragment: boolean;
  /** The name in `<!-- run: name -->`. */
  readonly run: string | undefined;
}

const LANGS: Readonly<Record<string, 'ts' | 'js'>> = { ts: 'ts', typescript: 'ts', js: 'js', javascript: 'js' };

export function docFiles(): string[] {
  const docs = readdirSync(path.join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs];
}

export function codeBlocks(file: string): CodeBlock[] {
  const lines = readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const open = /^(\s*)(`{3,})\s*([\w-]*)/.exec(lines[i] ?? '');
    if (!open) continue;
    const [, indent = '', fence = '', info = ''] = open;
    const close = lines.findIndex((l, j) => j > i && l.trimEnd() === `${indent}${fence}`);
    if (close < 0) throw new Error(`${file}:${i + 1}: the code block is never closed`);
    const lang = LANGS[info.toLowerCase()];
    if (lang) {
      let before = i - 1;
      while (before >= 0 && (lines[before] ?? '').trim() === '') before -= 1;
      const marker = /^<!--\s*(fragment|run:\s*([\w-]+))\s*-->$/.exec((lines[before] ?? '').trim());
      blocks.push({
        file,
        line: i + 2,
        lang,
        code: lines
          .slice(i + 1, close)
          .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l))
          .join('\n'),
        fragment: marker?.[1] === 'fragment',
        run: marker?.[2],
      });
    }
    i = close;
  }
  return blocks;
}

export function allCodeBlocks(): CodeBlock[] {
  return docFiles().flatMap(codeBlocks);
}

/** The block marked `<!-- run: name -->` in `file`; exactly one. */
export function runnableBlock(file: string, name: string): CodeBlock {
  const found = codeBlocks(file).filter((b) => b.run === name);
  if (found.length !== 1) throw new Error(`${file} has ${found.length} blocks marked <!-- run: ${name} -->, expected 1`);
  return found[0] as CodeBlock;
}

/**
 * What a fragment may use without declaring it: the app and its parts as the docs name them.
 * A global script (no import or export), so a fragment's own imports and declarations shadow it.
 */
export const FRAGMENT_PREAMBLE = `
/** The app the fragment adds to. */
declare const app: import('express').Express;
declare const passport: import('passport').PassportStatic;
/** The app's user, as its session keeps it (the quick start declares its own the same way). */
declare namespace Express {
  interface User {
    id: string | number;
    displayName?: string;
    givenName?: string;
    familyName?: string;
    email?: string;
    phone?: string;
    /** The linked mojeID identity (\`profile.id\`), when there is one. */
    mojeidSub?: string;
  }
}
/** The app's own data layer and routes. */
declare function findOrCreateUser(profile: import('passport-mojeid-oidc').MojeIdProfile): Promise<Express.User>;
declare function findOrCreateUserBySub(sub: string, claims: import('passport-mojeid-oidc').MojeIdClaims): Promise<Express.User>;
declare const showOrders: import('express').RequestHandler;
declare const db: {
  linkMojeId(localUser: string, sub: string): Promise<boolean>;
  setMojeIdStatus(sub: string, status: import('passport-mojeid-oidc').RegistrationStatus): Promise<void>;
};
/** A pino-style logger. */
declare const log: {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
};
/**
 * https-proxy-agent 7 (docs/troubleshooting.md), not a dependency of this repository: its class as
 * it declares it (an agent-base Agent: an http.Agent with the \`options\` of https.Agent).
 */
declare module 'https-proxy-agent' {
  import type { Agent, AgentOptions, OutgoingHttpHeaders } from 'node:http';
  import type { TcpNetConnectOpts } from 'node:net';
  import type { ConnectionOptions } from 'node:tls';
  export class HttpsProxyAgent<Uri extends string> extends Agent {
    constructor(proxy: Uri | URL, opts?: AgentOptions & { headers?: OutgoingHttpHeaders | (() => OutgoingHttpHeaders) });
    readonly proxy: URL;
    options: Partial<TcpNetConnectOpts & ConnectionOptions>;
  }
}
`;

/** Where the blocks "are" for module resolution: inside the repository, so `node_modules` and the paths mapping apply. Never written. */
const VIRTUAL_DIR = path.join(ROOT, 'test', 'docs', '.blocks');
const PREAMBLE_FILE = path.join(VIRTUAL_DIR, 'fragment-preamble.d.ts');

function compilerOptions(): ts.CompilerOptions {
  const configFile = path.join(ROOT, 'tsconfig.json');
  const { config, error } = ts.readConfigFile(configFile, (f) => ts.sys.readFile(f));
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  // `passport-mojeid-oidc` maps to src/ through the same `paths` as the project's own code.
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, ROOT, undefined, configFile);
  return {
    ...parsed.options,
    noEmit: true,
    declaration: false,
    sourceMap: false,
    allowJs: true,
    checkJs: true,
    rootDir: undefined,
    outDir: undefined,
  };
}

let cached: { options: ts.CompilerOptions; sourceFiles: Map<string, ts.SourceFile> } | undefined;

/** Where `block` is checked: `.ts` or `.js` by its language. */
export function virtualFileName(block: CodeBlock): string {
  return path.join(VIRTUAL_DIR, `${block.file.replace(/[/.]/g, '_')}_L${block.line}.${block.lang}`);
}

/**
 * Type errors of `block`, each as `file:line:column TSnnnn message` with the Markdown file's line.
 * `siblings` are more modules next to it (`app.ts` for a block that imports `./app.js`).
 */
export function typeErrors(block: CodeBlock, siblings: Readonly<Record<string, string>> = {}): string[] {
  cached ??= { options: compilerOptions(), sourceFiles: new Map() };
  const { options, sourceFiles } = cached;
  const fileName = virtualFileName(block);
  const virtual = new Map<string, string>([[fileName, block.code]]);
  if (block.fragment) virtual.set(PREAMBLE_FILE, FRAGMENT_PREAMBLE);
  for (const [name, code] of Object.entries(siblings)) virtual.set(path.join(VIRTUAL_DIR, name), code);

  const host = ts.createCompilerHost(options, true);
  const { fileExists, readFile, getSourceFile, directoryExists } = host;
  host.fileExists = (f) => virtual.has(f) || fileExists.call(host, f);
  host.readFile = (f) => virtual.get(f) ?? readFile.call(host, f);
  host.directoryExists = (d) => path.resolve(d) === VIRTUAL_DIR || (directoryExists?.call(host, d) ?? ts.sys.directoryExists(d));
  // Library and project files are parsed once for all the blocks.
  host.getSourceFile = (f, languageVersion, onError, shouldCreate) => {
    const text = virtual.get(f);
    if (text !== undefined) return ts.createSourceFile(f, text, languageVersion, true);
    const key = `${f}\u0000${JSON.stringify(typeof languageVersion === 'object' ? { ...languageVersion, setExternalModuleIndicator: undefined } : languageVersion)}`;
    let sourceFile = sourceFiles.get(key);
    if (!sourceFile) {
      sourceFile = getSourceFile.call(host, f, languageVersion, onError, shouldCreate);
      if (sourceFile) sourceFiles.set(key, sourceFile);
    }
    return sourceFile;
  };

  const program = ts.createProgram({ rootNames: [...(block.fragment ? [PREAMBLE_FILE] : []), fileName], options, host });
  const sourceFile = program.getSourceFile(fileName);
  if (!sourceFile) throw new Error(`${block.file}:${block.line}: the block did not become part of the program`);
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...program.getSyntacticDiagnostics(sourceFile),
    ...program.getSemanticDiagnostics(sourceFile),
    ...(block.fragment ? program.getSemanticDiagnostics(program.getSourceFile(PREAMBLE_FILE)) : []),
  ];
  return diagnostics.map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n  ');
    if (!d.file || d.start === undefined) return `${block.file}:${block.line}: TS${d.code} ${message}`;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    const where = d.file.fileName === fileName ? `${block.file}:${block.line + line}:${character + 1}` : `${path.relative(ROOT, d.file.fileName)}:${line + 1}:${character + 1}`;
    return `${where}: TS${d.code} ${message}`;
  });
}

/** Tests that run blocks write them under test/docs/.generated/ (git-ignored), each in its own directory. */
export function removeGeneratedIfEmpty(): void {
  try {
    rmdirSync(path.join(ROOT, 'test', 'docs', '.generated'));
  } catch {
    // Not empty: another test file's blocks are still there.
  }
}

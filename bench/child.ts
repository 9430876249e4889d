/** The orchestrator's handle on a child process (provider, simulator or app) and its IPC requests. */
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildToParent, ParentToChild } from './common.js';

const here = dirname(fileURLToPath(import.meta.url));

type Ready = Extract<ChildToParent, { type: 'ready' }>;
type Failed = Extract<ChildToParent, { type: 'failed' }>;
type Request = ParentToChild extends infer M ? (M extends { id: number } ? Omit<M, 'id'> : never) : never;

const READY_TIMEOUT_MS = 30_000;
const REQUEST_TIMEOUT_MS = 30_000;

export class Child {
  readonly process: ChildProcess;
  /** When `fork` was called (performance.now()). */
  readonly spawnedAt: number;
  /** Resolves with `ready`, or with `failed` / an early exit as a `failed`. */
  readonly started: Promise<Ready | Failed>;
  /** When the first `ready`/`failed` arrived (performance.now()). */
  startedAt = 0;
  readonly exited: Promise<number | null>;
  readonly #pending = new Map<number, (message: ChildToParent) => void>();
  #nextId = 1;

  constructor(script: string, options: { env?: Record<string, string>; execArgv?: string[] } = {}) {
    this.spawnedAt = performance.now();
    this.process = fork(join(here, script), [], {
      env: { ...process.env, ...options.env },
      execArgv: options.execArgv ?? [],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    this.exited = new Promise((resolve) => this.process.once('exit', (code) => resolve(code)));
    this.started = new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ type: 'failed', message: 'no ready message in time', uptimeMs: NaN }), READY_TIMEOUT_MS);
      const settle = (message: Ready | Failed): void => {
        clearTimeout(timer);
        if (!this.startedAt) this.startedAt = performance.now();
        resolve(message);
      };
      this.process.on('message', (message: ChildToParent) => {
        if (message.type === 'ready' || message.type === 'failed') settle(message);
        else if ('id' in message) {
          this.#pending.get(message.id)?.(message);
          this.#pending.delete(message.id);
        }
      });
      void this.exited.then((code) => settle({ type: 'failed', message: `exited with code ${code}`, uptimeMs: NaN }));
    });
  }

  /** Waits for `ready`; throws if the child failed to start. */
  async ready(): Promise<Ready> {
    const message = await this.started;
    if (message.type === 'failed') throw new Error(`child failed to start: ${message.message}`);
    return message;
  }

  request<T extends ChildToParent>(message: Request): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`no answer to ${message.type}`));
      }, REQUEST_TIMEOUT_MS);
      this.#pending.set(id, (answer) => {
        clearTimeout(timer);
        resolve(answer as T);
      });
      this.process.send({ ...message, id } as ParentToChild);
    });
  }

  /** Asks the child to exit and waits; kills it (this child only) if it does not. */
  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    if (this.process.connected) this.process.send({ type: 'exit' } satisfies ParentToChild);
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 5_000);
    await this.exited;
    clearTimeout(timer);
  }
}

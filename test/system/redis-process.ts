/**
 * A redis-server of the test's own, on a free loopback port, that the test may stop and start
 * again (a Redis outage) without disturbing the shared one at REDIS_URL. Without persistence: a
 * restart comes back empty, as a crashed cache node does. Needs `redis-server` on the PATH
 * (.ci/run installs it); without it the tests FAIL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** One raw PING; true when answered with PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: string) => {
      answer += chunk;
      if (answer.includes('\r\n')) {
        socket.destroy();
        resolve(answer.startsWith('+PONG'));
      }
    });
    socket.on('error', () => resolve(false));
  });
}

export class RedisProcess {
  readonly port: number;
  #child: ChildProcess | undefined;
  #output = '';

  private constructor(port: number) {
    this.port = port;
  }

  static async start(): Promise<RedisProcess> {
    const redis = new RedisProcess(await freePort());
    await redis.resume();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts redis-server on this port (again) and waits until it answers. */
  async resume(): Promise<void> {
    if (this.#child) return;
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    child.stdout?.on('data', (chunk: Buffer) => (this.#output = (this.#output + chunk.toString()).slice(-2000)));
    child.stderr?.on('data', (chunk: Buffer) => (this.#output = (this.#output + chunk.toString()).slice(-2000)));
    const spawnError = new Promise<never>((_, reject) =>
      child.once('error', (error) => reject(new Error(`cannot run redis-server (${error.message}): apt-get install redis-server. .ci/run does this.`))),
    );
    const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`redis-server exited (${String(code)}) at start:\n${this.#output}`))));
    const ready = (async () => {
      // Bounded by attempts, not by time: a slow machine only makes it take longer.
      for (let attempt = 0; attempt < 400; attempt += 1) {
        if (await ping(this.port)) return;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`redis-server on port ${this.port} never answered PING:\n${this.#output}`);
    })();
    await Promise.race([ready, spawnError, exited]);
    child.removeAllListeners('exit');
  }

  /** Stops redis-server (the outage) and waits until the process is gone. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { rawClient, requestHead } from '../http/raw-client.js';
import { listeningUrl, removeTempDirs, slmem, tempDb } from './run-cli.js';

const MAIN = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const { dir, db } = tempDb();
afterAll(() => removeTempDirs(dir));

describe('slmem serve', () => {
  it('serves the page, the API and /health until SIGTERM, then exits 0', async () => {
    const child = spawn(
      process.execPath,
      [MAIN, '--db', db, '--embeddings', 'hash', 'serve', '--port', '0'],
      {
        env: { ...process.env, SLMEM_DB: '', NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    const exited = new Promise<number | null>((done) => child.on('close', done));
    const url = await listeningUrl(child);
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await (await fetch(`${url}/health`)).json()).toMatchObject({ status: 'ok', backend: 'sqlite' });
      const started = await fetch(`${url}/api/episodes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ task: 'Serve the memory over HTTP' }),
      });
      expect(started.status).toBe(201);
      expect((await fetch(`${url}/`)).headers.get('content-type')).toMatch(/text\/html/);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    // Logs go to stderr: stdout stays empty for pipes.
    expect(stdout).toBe('');
    // The episode started over HTTP is in the file the CLI reads.
    const listed = await slmem(['--db', db, '--json', 'episode', 'list']);
    expect(listed.stdout).toContain('Serve the memory over HTTP');
  });

  it('refuses to listen beyond loopback without a token, before opening the memory (exit 2)', async () => {
    const result = await slmem(['--db', `${dir}/never.db`, 'serve', '--host', '0.0.0.0', '--port', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/INVALID_INPUT.*SLMEM_TOKEN/);
    expect(result.stdout).toBe('');
  });

  it('applies --headers-timeout, and logs an aborted body in one stderr line', async () => {
    const child = spawn(
      process.execPath,
      [MAIN, '--db', db, '--embeddings', 'hash', 'serve', '--port', '0', '--headers-timeout', '1'],
      { env: { ...process.env, SLMEM_DB: '', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer | string) => {
      stderr += String(chunk);
    });
    const exited = new Promise<number | null>((done) => child.on('close', done));
    const port = Number(new URL(await listeningUrl(child)).port);
    try {
      const aborted = await rawClient(port);
      aborted.socket.write(
        `${requestHead('POST', '/api/episodes', port, ['Content-Type: application/json', 'Content-Length: 500'])}{"ta`,
      );
      await sleep(100);
      aborted.socket.destroy();
      const dripper = await rawClient(port);
      dripper.drip(`GET /health HTTP/1.1\r\n${'X-Slow: y\r\n'.repeat(100)}`);
      const { text, afterMs } = await dripper.closed;
      expect(text).toMatch(/^HTTP\/1\.1 408 /);
      // Node's default would wait 60 s for the headers.
      expect(afterMs).toBeLessThan(8_000);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    const lines = stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^slmem: serving /);
    expect(lines.slice(1)).toEqual([
      'slmem: POST /api/episodes from 127.0.0.1 aborted: the client closed the connection before the whole body arrived',
      'slmem: a connection from 127.0.0.1 closed: its request headers did not arrive within 1 s (408)',
    ]);
  });

  it('refuses bad timeouts, connection and session caps and reader counts before opening the memory (exit 2)', async () => {
    const never = `${dir}/never.db`;
    const refusals: Array<[string[], RegExp]> = [
      [
        ['serve', '--request-timeout', '0'],
        /--request-timeout must be a whole number from 1 to 3600, got "0"/,
      ],
      [['serve', '--headers-timeout', '2.5'], /--headers-timeout must be a whole number from 1 to 600/],
      [['serve', '--keep-alive-timeout', 'soon'], /--keep-alive-timeout must be a whole number/],
      [
        ['mcp', '--http', '--max-client-connections', '0'],
        /--max-client-connections must be a whole number from 1/,
      ],
      [
        ['serve', '--headers-timeout', '60', '--request-timeout', '30'],
        /--headers-timeout \(60 s\) must not exceed --request-timeout \(30 s\)/,
      ],
      [['serve', '--max-sessions', '0'], /--max-sessions must be a whole number from 1/],
      [['mcp', '--http', '--readers', '-1'], /--readers must be a whole number from 0 to 64/],
      [['serve', '--db', ':memory:'], /cannot use an in-memory database; set readers: 0 \(--readers 0\)/],
      [
        ['mcp', '--http', '--headers-timeout', '40'],
        /--headers-timeout \(40 s\) must not exceed --request-timeout \(30 s\)/,
      ],
    ];
    for (const [args, message] of refusals) {
      const result = await slmem(['--db', never, ...args, '--port', '0']);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^slmem: INVALID_INPUT: /);
      expect(result.stderr).toMatch(message);
    }
    expect(existsSync(never)).toBe(false);
    const help = await slmem(['serve', '--help']);
    for (const flag of [
      '--headers-timeout',
      '--request-timeout',
      '--keep-alive-timeout',
      '--max-client-connections',
      '--max-sessions',
      '--readers',
    ])
      expect(help.stdout).toContain(flag);
  });
});

import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
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
});

import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_PARTIAL_IMPORT } from '../../src/cli/errors.js';
import { removeTempDirs, slmem, tempDb, writeTauJsonl } from '../cli/run-cli.js';

const MAIN = resolve(import.meta.dirname, '../../dist/cli/main.js');
afterAll(() => removeTempDirs());

/** Runs the CLI with stdout closed by the reader before anything is written, as `slmem ... | true` does. */
function withStdoutClosed(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((done, fail) => {
    const env = { ...process.env, NO_COLOR: '1', SLMEM_DB: '', SLMEM_EMBEDDINGS: 'hash' };
    const child = spawn(process.execPath, [MAIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, stderr }));
  });
}

describe('slmem import with failed lines', () => {
  it('exits with the partial-import code when stdout is read', async () => {
    const { dir, db } = tempDb();
    const file = join(dir, 'in.jsonl');
    writeFileSync(file, '{"task":"Fix the login test","outcome":{"status":"success"}}\nnot json\n');
    const result = await slmem(['--db', db, 'import', file]);
    expect(result.code).toBe(EXIT_PARTIAL_IMPORT);
  });

  it('exits with the partial-import code when the reader closed stdout (EPIPE)', async () => {
    const { dir, db } = tempDb();
    const file = join(dir, 'in.jsonl');
    writeFileSync(file, '{"task":"Fix the login test","outcome":{"status":"success"}}\nnot json\n');
    const result = await withStdoutClosed(['--db', db, 'import', file]);
    expect(result.code).toBe(EXIT_PARTIAL_IMPORT);
    expect(result.stderr).not.toMatch(/EPIPE|Error:/);
  });

  it('exits 0 when every line was imported, even with stdout closed', async () => {
    const { dir, db } = tempDb();
    const file = join(dir, 'in.jsonl');
    writeFileSync(file, '{"task":"Fix the login test","outcome":{"status":"success"}}\n');
    expect((await withStdoutClosed(['--db', db, 'import', file])).code).toBe(0);
  });
});

describe('slmem export into a pipe the reader closed', () => {
  it('stops writing and exits 0, without a stack or a hang', async () => {
    const { dir, db } = tempDb();
    const file = await writeTauJsonl(dir, 300);
    expect((await slmem(['--db', db, 'import', '--no-embed', file])).code).toBe(0);
    const result = await withStdoutClosed(['--db', db, 'export']);
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(/EPIPE|Error:/);
  });
});

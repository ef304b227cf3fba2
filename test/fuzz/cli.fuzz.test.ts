import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/program.js';
import { FUZZ_RUNS, nastyString } from './arbitraries.js';

const dir = mkdtempSync(join(tmpdir(), 'slmem-cli-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const db = join(dir, 'cli.db');
const file = join(dir, 'lines.jsonl');

/** Runs the CLI in this process, as `main.ts` does, and collects what it wrote. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const stdin = new PassThrough();
  stdin.end('');
  const env = { NO_COLOR: '1', SLMEM_EMBEDDINGS: 'hash', SLMEM_DB: db };
  const code = await run(['node', 'slmem', ...args], { stdout, stderr, stdin, env });
  return { code, stdout: out, stderr: err };
}

const id = fc.oneof(fc.constant('01900000-0000-7000-8000-000000000001'), fc.uuid(), nastyString);
const value = fc.oneof(
  nastyString,
  fc.integer().map(String),
  fc.double().map(String),
  fc.constantFrom('-1', '1e308', 'NaN', '--json'),
);
const flag = fc.tuple(
  fc.constantFrom(
    '--task',
    '--tool',
    '--action',
    '--domain',
    '--language',
    '--tags',
    '--limit',
    '--latency-ms',
    '--tokens',
    '--error',
    '--output',
    '--outcome',
    '--verdict',
    '--reason',
    '--params',
    '--max-steps',
    '--min-confidence',
    '--type',
    '--note',
    '--progress',
    '--success',
    '--pattern-ids',
    '--since',
    '--order',
    '--json',
    '--timeout',
  ),
  fc.option(value, { nil: undefined }),
);
const command = fc.oneof(
  fc.tuple(fc.constant(['episode', 'start']), fc.constant([])),
  fc.tuple(fc.constant(['episode', 'log-step']), fc.tuple(id)),
  fc.tuple(fc.constant(['episode', 'complete']), fc.tuple(id)),
  fc.tuple(
    fc.constantFrom(
      ['episode', 'show'],
      ['episode', 'delete'],
      ['episode', 'handoff'],
      ['episode', 'checkpoint'],
    ),
    fc.tuple(id),
  ),
  fc.tuple(
    fc.constantFrom(
      ['episode', 'list'],
      ['retrieve'],
      ['playbook'],
      ['pattern', 'list'],
      ['stats'],
      ['feedback'],
    ),
    fc.constant([]),
  ),
  fc.tuple(fc.constantFrom(['tag', 'add'], ['tag', 'remove']), fc.tuple(id, nastyString)),
  fc.tuple(fc.constantFrom(['link', 'add'], ['link', 'list']), fc.tuple(id, id)),
  fc.tuple(fc.constant(['import']), fc.constant([file])),
  fc.tuple(fc.constant([]), fc.array(nastyString, { maxLength: 3 })),
);

describe('fuzzing the CLI face', () => {
  it('any argv exits with a documented code (never 1, a bug), one error line, and JSON when asked', async () => {
    writeFileSync(file, '{"task":"x","outcome":{"status":"success"}}\nnot json\n{"task":"\\u0000"}\n');
    await fc.assert(
      fc.asyncProperty(command, fc.array(flag, { maxLength: 4 }), async ([path, positional], flags) => {
        const args = [...path, ...positional, ...flags.flatMap(([f, v]) => (v === undefined ? [f] : [f, v]))];
        const result = await cli(args);
        expect([0, 2, 3, 4, 5, 6, 7, 8]).toContain(result.code);
        if (result.code !== 0 && result.code !== 8 && !args.includes('--help'))
          expect(result.stderr).toMatch(/slmem|"error"|Usage/);
        if (result.code === 0 && args.includes('--json') && result.stdout.trim().startsWith('{'))
          expect(() => JSON.parse(result.stdout)).not.toThrow();
      }),
      { numRuns: FUZZ_RUNS },
    );
    // The store still works after all that.
    const started = await cli(['episode', 'start', '--task', 'after the fuzzing', '--json']);
    expect(started.code).toBe(0);
  }, 240_000);
});

import { afterAll, describe, expect, it } from 'vitest';
import { dropSchemas, testBackends } from '../backends.js';
import { logStep, removeTempDirs, slmem, slmemJson } from './run-cli.js';

afterAll(async () => {
  removeTempDirs();
  await dropSchemas();
});

function expectOneLineError(
  result: { code: number; stdout: string; stderr: string },
  code: number,
  text: string,
) {
  expect(result.code).toBe(code);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^slmem: [A-Z_]+: /);
  expect(lines[0]).toContain(text);
}

describe.each(testBackends())('slmem errors on $name', ({ db: freshDb }) => {
  it('exits 4 with one NOT_FOUND line for a missing episode', async () => {
    const db = freshDb();
    const result = await slmem(['--db', db, 'episode', 'show', '0190a0a0-0000-7000-8000-000000000000']);
    expectOneLineError(result, 4, 'NOT_FOUND');
  });

  it('prints the error as JSON on stderr with --json, keeping stdout empty', async () => {
    const db = freshDb();
    const result = await slmem(['--db', db, '--json', 'pattern', 'show', 'pat_nope']);
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('');
    expect(JSON.parse(result.stderr)).toEqual({
      error: { code: 'NOT_FOUND', message: expect.stringContaining('pat_nope') },
    });
  });

  it('exits 2 for bad --params JSON and says what to pass', async () => {
    const db = freshDb();
    const { id } = await slmemJson<{ id: string }>(['--db', db, 'episode', 'start', '--task', 'x']);
    const bad = await logStep(db, id, 't', 'a', '--params', '{oops');
    expectOneLineError(bad, 2, '--params is not valid JSON');
    const array = await logStep(db, id, 't', 'a', '--params', '[1]');
    expectOneLineError(array, 2, 'must be a JSON object');
    const shown = await slmemJson<{ steps: unknown[] }>(['--db', db, 'episode', 'show', id]);
    expect(shown.steps).toHaveLength(0);
  });

  it('exits 2 listing the allowed values for an unknown --outcome, --type or --complexity', async () => {
    const db = freshDb();
    const outcome = await slmem(['--db', db, 'episode', 'complete', 'some-id', '--outcome', 'won']);
    expectOneLineError(outcome, 2, 'success, partial, failure, abstained');
    const type = await slmem(['--db', db, 'episode', 'start', '--task', 'x', '--type', 'poetry']);
    expectOneLineError(type, 2, 'code_generation');
    const complexity = await slmem(['--db', db, 'episode', 'start', '--task', 'x', '--complexity', 'huge']);
    expectOneLineError(complexity, 2, 'simple, moderate, complex');
  });

  it('exits 2 for numbers that are not numbers', async () => {
    const db = freshDb();
    expectOneLineError(
      await slmem(['--db', db, 'episode', 'list', '--limit', 'ten']),
      2,
      '--limit must be a whole number',
    );
    expectOneLineError(await slmem(['--db', db, 'retrieve', '--task', 'x', '--limit', '0']), 2, '--limit');
    const step = await logStep(db, 'id', 't', 'a', '--latency-ms', 'fast');
    expectOneLineError(step, 2, '--latency-ms must be a number');
  });

  it("exits 2 with one line for commander's usage errors", async () => {
    const db = freshDb();
    expectOneLineError(await slmem(['--db', db, 'episode', 'start']), 2, "required option '--task <text>'");
    expectOneLineError(await slmem(['--db', db, 'stats', '--verbose']), 2, "unknown option '--verbose'");
    expectOneLineError(await slmem(['--db', db, 'retreive']), 2, 'unknown command');
    const both = await logStep(db, 'id', 't', 'a', '--output', 'o', '--timeout');
    expectOneLineError(both, 2, 'cannot be used with');
  });

  it('prints help with examples and exits 0', async () => {
    const help = await slmem(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes:');
    const importHelp = await slmem(['import', '--help']);
    expect(importHelp.stdout).toContain('8 when some lines failed');
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/index.js';
import { SelfLearningMemory } from '../../src/memory/index.js';
import { dropSchemas, POSTGRES_SKIPPED, postgresDb, TEST_POSTGRES_URL } from '../backends.js';
import { connect } from '../mcp/connect.js';
import { slmem } from './run-cli.js';

/**
 * No face shows the password of a `--db` URL. The test server's password is "slmem", as are its user and
 * database, so what must never appear is the user part as given: `slmem:slmem@`.
 */
afterAll(dropSchemas);

const password = TEST_POSTGRES_URL ? decodeURIComponent(new URL(TEST_POSTGRES_URL).password) : '';
const given = TEST_POSTGRES_URL ? `${new URL(TEST_POSTGRES_URL).username}:${password}@` : '';

describe.skipIf(!TEST_POSTGRES_URL || !password)('a PostgreSQL URL with a password', () => {
  const db = TEST_POSTGRES_URL ? postgresDb() : '';

  it('is shown without it by slmem stats, as text and as JSON', async () => {
    expect((await slmem(['--db', db, 'episode', 'start', '--task', 'Fix the login test'])).code).toBe(0);
    const text = await slmem(['--db', db, 'stats']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Memory postgres(ql)?:\/\/[^:]+:\*\*\*@\S+ \(postgres\)/);
    const json = await slmem(['--db', db, 'stats', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ db: expect.stringContaining(':***@'), episodes: 1 });
    for (const run of [text, json]) expect(run.stdout + run.stderr).not.toContain(given);
  });

  it('is left out of the errors of every command that names the store', async () => {
    const wrong = db.replace(`:${encodeURIComponent(password)}@`, ':Wr0ngS3cret@');
    const runs = await Promise.all([
      slmem(['--db', db, 'restore', 'snapshot.db']),
      slmem(['--db', db, 'backup', 'snapshot.db']),
      slmem(['--db', db, 'restore', 'snapshot.db', '--json']),
      slmem(['--db', wrong, 'stats']),
      slmem(['--db', wrong, 'stats', '--json']),
      slmem(['migrate', '--from', db, '--to', db]),
    ]);
    for (const run of runs) {
      expect(run.code).not.toBe(0);
      expect(run.stderr).toMatch(/INVALID_INPUT|STORAGE_ERROR/);
      expect(run.stdout + run.stderr).not.toContain(given);
      expect(run.stdout + run.stderr).not.toContain('Wr0ngS3cret');
    }
  });

  it('is not in what the HTTP API and the MCP server say about the memory', async () => {
    const memory = await SelfLearningMemory.open({ db, embeddings: { provider: 'hash' } });
    const http = createHttpApp(memory);
    const mcp = await connect(db);
    try {
      for (const path of ['/health', '/api/stats', '/metrics', '/openapi.json']) {
        const res = await http.app.request(path);
        expect(res.status, path).toBe(200);
        expect(await res.text(), path).not.toContain(given);
      }
      const { resources } = await mcp.client.listResources();
      for (const { uri } of resources) {
        expect(JSON.stringify(await mcp.client.readResource({ uri }))).not.toContain(given);
      }
    } finally {
      await mcp.close();
      await http.close();
      await memory.close();
    }
  });
});

describe.skipIf(!!TEST_POSTGRES_URL)(POSTGRES_SKIPPED, () => {
  it('shows PostgreSQL URLs without their password', () => {});
});

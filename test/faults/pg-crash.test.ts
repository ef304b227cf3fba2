import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crashableCluster } from '../../scripts/soak/pg-cluster.js';
import { pgCrashRound } from '../../scripts/soak/pg-round.js';
import { POSTGRES_SKIPPED, TEST_POSTGRES_URL, withSchema } from '../backends.js';

// A cluster of its own (another folder, another port) that may crash without harming the other tests; like the
// shared one it runs with synchronous_commit = off, which the store must override on its connections.
const suite = TEST_POSTGRES_URL ? describe : describe.skip;

suite(TEST_POSTGRES_URL ? 'PostgreSQL crashes under writers' : POSTGRES_SKIPPED, () => {
  it('finds every write acknowledged through the library, REST and MCP after immediate restarts and a SIGKILL of the server', async () => {
    const cluster = await crashableCluster({ dir: '/tmp/slmem-pg-crash', port: 54_339 });
    const report = await pgCrashRound({
      db: withSchema(cluster.url, `crash_${Date.now().toString(36)}`),
      cli: resolve('dist/cli/main.js'),
      crashPostgres: () => cluster.crash(),
      events: ['crash-postgres', 'kill-server', 'crash-postgres', 'crash-postgres'],
      progress: 10,
    });
    expect(report.problems).toEqual([]);
    for (const face of ['library', 'rest', 'mcp'] as const) {
      // Each face wrote before the first event and after each of the four.
      expect(report.acknowledged[face].steps + report.acknowledged[face].episodes).toBeGreaterThanOrEqual(50);
      expect(report.acknowledged[face].completions).toBeGreaterThan(0);
    }
    // The writers really were cut off: calls failed while the server was down.
    expect(report.failedCalls).toBeGreaterThan(0);
  }, 240_000);
});

/**
 * `npm run soak`: kill writer processes at random moments once they are writing, round after round, and check
 * that nothing they acknowledged was lost and the store file stays intact. Prints what it did and what it found.
 *
 *   npm run soak -- [--rounds 40] [--processes 4] [--minutes M] [--db FILE] [--seed 1]
 *
 * With --postgres the rounds crash a PostgreSQL cluster of their own (`pg_ctl restart -m immediate`) and SIGKILL
 * `slmem serve` while writers go on through the library, REST and MCP; --relaxed opens the store with
 * synchronous_commit = off, to see what the default protects:
 *
 *   npm run soak -- --postgres [--rounds 10] [--minutes M] [--relaxed]
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { crashRound } from './soak/crash-round.js';
import { soakPostgres } from './soak/pg-soak.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '40' },
    processes: { type: 'string', default: '4' },
    minutes: { type: 'string' },
    db: { type: 'string' },
    seed: { type: 'string', default: '1' },
    postgres: { type: 'boolean', default: false },
    relaxed: { type: 'boolean', default: false },
  },
});
if (values.postgres) {
  process.exitCode = await soakPostgres({
    rounds: values.minutes ? Number.POSITIVE_INFINITY : Number(values.rounds === '40' ? 10 : values.rounds),
    deadline: values.minutes ? Date.now() + Number(values.minutes) * 60_000 : Number.POSITIVE_INFINITY,
    relaxed: values.relaxed,
    seed: Number(values.seed),
  });
  process.exit();
}
const dist = resolve('dist/index.js');
if (!existsSync(dist)) {
  process.stderr.write('soak: dist/index.js is missing; run "npm run build" first\n');
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'slmem-soak-'));
const db = values.db ?? join(dir, 'soak.db');
const processes = Number(values.processes);
const deadline = values.minutes ? Date.now() + Number(values.minutes) * 60_000 : Number.POSITIVE_INFINITY;
const rounds = values.minutes ? Number.POSITIVE_INFINITY : Number(values.rounds);
let state = Number(values.seed) >>> 0 || 1;
const next = () => {
  state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
  return state / 2 ** 32;
};
/** Writes each writer acknowledges before the kill is armed: the kill never lands before work has begun. */
const MIN_WRITES = 10;
const total = { rounds: 0, kills: 0, episodes: 0, steps: 0, completions: 0, problems: 0 };
try {
  for (let round = 1; round <= rounds && Date.now() < deadline; round++) {
    const extraMs = Math.floor(next() * 1_500);
    const report = await crashRound({ db, dist, processes, minWrites: MIN_WRITES, extraMs, seed: round });
    total.rounds++;
    total.kills += processes;
    total.episodes += report.acknowledged.episodes;
    total.steps += report.acknowledged.steps;
    total.completions += report.acknowledged.completions;
    total.problems += report.problems.length;
    process.stdout.write(
      `round ${round}: killed ${processes} writers ${extraMs} ms after each acknowledged ${MIN_WRITES} writes; acknowledged ${report.acknowledged.episodes} episodes, ${report.acknowledged.steps} steps, ${report.acknowledged.completions} completions; ${report.problems.length === 0 ? 'all found, integrity ok' : `PROBLEMS: ${report.problems.slice(0, 3).join('; ')}`}\n`,
    );
  }
  process.stdout.write(
    `soak: ${total.rounds} rounds, ${total.kills} SIGKILLs; ${total.episodes} episodes, ${total.steps} steps and ${total.completions} completions acknowledged; ${total.problems} problems\n`,
  );
  process.exitCode = total.problems === 0 ? 0 : 1;
} finally {
  if (!values.db) rmSync(dir, { recursive: true, force: true });
}

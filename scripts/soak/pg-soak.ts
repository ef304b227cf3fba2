/** `npm run soak -- --postgres`: PostgreSQL crash rounds (see pg-round.ts) for as long as asked. */
import { resolve } from 'node:path';
import { crashableCluster } from './pg-cluster.js';
import { type CrashEvent, pgCrashRound } from './pg-round.js';

export interface PgSoakOptions {
  rounds: number;
  deadline: number;
  /** `synchronous_commit=off` on the store's connections: what the default protects against. */
  relaxed: boolean;
  seed: number;
}

/** Runs the rounds and prints each; the exit code: 0 when nothing acknowledged was lost. */
export async function soakPostgres(options: PgSoakOptions): Promise<number> {
  const cluster = await crashableCluster({ dir: '/tmp/slmem-pg-soak', port: 54_338 });
  let state = options.seed >>> 0 || 1;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const total = { rounds: 0, crashes: 0, kills: 0, acknowledged: 0, problems: 0 };
  const say = (line: string) => process.stdout.write(`${line}\n`);
  for (let round = 1; round <= options.rounds && Date.now() < options.deadline; round++) {
    const events: CrashEvent[] = Array.from({ length: 3 + Math.floor(next() * 4) }, () =>
      next() < 0.75 ? 'crash-postgres' : 'kill-server',
    );
    const url = new URL(cluster.url);
    url.searchParams.set('schema', `soak_${Date.now().toString(36)}`);
    if (options.relaxed) url.searchParams.set('synchronous_commit', 'off');
    const report = await pgCrashRound({
      db: url.toString(),
      cli: resolve('dist/cli/main.js'),
      crashPostgres: () => cluster.crash(),
      events,
      progress: 10 + Math.floor(next() * 40),
      log: (line) => process.stderr.write(`  ${new Date().toISOString().slice(11, 23)} ${line}\n`),
    });
    const acked = Object.values(report.acknowledged).reduce(
      (sum, a) => sum + a.episodes + a.steps + a.completions,
      0,
    );
    const crashes = events.filter((e) => e === 'crash-postgres').length;
    total.rounds++;
    total.crashes += crashes;
    total.kills += events.length - crashes;
    total.acknowledged += acked;
    total.problems += report.problems.length;
    const faces = Object.entries(report.acknowledged)
      .map(([face, a]) => `${face} ${a.episodes}/${a.steps}/${a.completions}`)
      .join(', ');
    say(
      `round ${round}: ${crashes} PostgreSQL crashes, ${events.length - crashes} server kills; acknowledged (episodes/steps/completions) ${faces}; ${report.failedCalls} calls failed while down; ${report.problems.length === 0 ? 'all found' : `LOST ${report.problems.length}: ${report.problems.slice(0, 3).join('; ')}`}`,
    );
  }
  say(
    `soak --postgres${options.relaxed ? ' --relaxed (synchronous_commit=off)' : ''}: ${total.rounds} rounds, ${total.crashes} immediate restarts of PostgreSQL, ${total.kills} SIGKILLs of slmem serve; ${total.acknowledged} writes acknowledged, ${total.problems} lost or out of order`,
  );
  return total.problems === 0 ? 0 : 1;
}

/**
 * A PostgreSQL cluster of its own for crash tests: made by `scripts/setup-postgres.sh` in another folder and on
 * another port than the shared test server, so that restarting it in immediate mode (a crash: no shutdown
 * checkpoint, WAL replayed at start) harms no other test. Like every cluster that script makes, it runs with
 * `synchronous_commit = off`: the store must make its own commits durable.
 */
import { execFile } from 'node:child_process';
import { userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PG_BIN = '/usr/lib/postgresql/15/bin';
const SETUP = fileURLToPath(new URL('../setup-postgres.sh', import.meta.url));

export interface PgCluster {
  /** `postgres://slmem:slmem@127.0.0.1:<port>/slmem` */
  url: string;
  /** `pg_ctl restart -m immediate`: the server dies as in a crash, then recovers from its WAL. */
  crash(): Promise<void>;
}

/** Makes (or reuses) the cluster in `dir` on `port` and starts it; only where setup-postgres.sh can run. */
export async function crashableCluster(options: { dir: string; port: number }): Promise<PgCluster> {
  const { stdout } = await run(SETUP, [], {
    env: { ...process.env, SLMEM_PG_DIR: options.dir, SLMEM_PG_PORT: String(options.port) },
    maxBuffer: 16 * 1024 * 1024,
  });
  const url = stdout.trim().split('\n').pop() ?? '';
  const dataDir = `${options.dir}/data`;
  return {
    url,
    async crash() {
      await asPostgres(`${PG_BIN}/pg_ctl`, [
        '-D',
        dataDir,
        '-l',
        `${options.dir}/server.log`,
        '-w',
        '-t',
        '60',
        'restart',
        '-m',
        'immediate',
      ]);
    },
  };
}

/** As the postgres user, the way setup-postgres.sh gets there: directly, as root with runuser, or with sudo. */
async function asPostgres(command: string, args: string[]): Promise<void> {
  const [file, argv]: [string, string[]] =
    userInfo().username === 'postgres'
      ? [command, args]
      : process.getuid?.() === 0
        ? ['runuser', ['-u', 'postgres', '--', command, ...args]]
        : ['sudo', ['-n', '-u', 'postgres', '--', command, ...args]];
  // The server must not inherit this process's pipes: execFile would wait for them to close.
  await run(file, argv, { cwd: '/' });
}

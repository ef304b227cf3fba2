import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadTauRetail, tauTaskToRecord } from '../../src/datasets/index.js';

const MAIN = resolve(import.meta.dirname, '../../dist/cli/main.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI as a real subprocess (dist is built by test/global-setup.ts). With `timeoutMs` a run that
 * does not end in time is killed (exit code -1), so a hang fails the test instead of spinning on.
 */
export function slmem(
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CliResult> {
  if (!existsSync(MAIN))
    throw new Error(`${MAIN} is missing: run "npm run build" (the vitest global setup does)`);
  return new Promise((done, fail) => {
    // The hashing embedder keeps these tests fast; the demo test and test/embeddings use the real model.
    const env = { ...process.env, NO_COLOR: '1', SLMEM_DB: '', SLMEM_EMBEDDINGS: 'hash', ...options.env };
    const child = spawn(process.execPath, [MAIN, ...args], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.timeoutMs ? { timeout: options.timeoutMs, killSignal: 'SIGKILL' as const } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** `slmem --db DB episode log-step ID --tool TOOL --action ACTION ...more`, the call most tests repeat. */
export function logStep(
  db: string,
  id: string,
  tool: string,
  action: string,
  ...more: string[]
): Promise<CliResult> {
  return slmem(['--db', db, 'episode', 'log-step', id, '--tool', tool, '--action', action, ...more]);
}

/** Runs with `--json` and parses stdout, failing loudly with stderr when the command failed. */
export async function slmemJson<T>(
  args: string[],
  options?: { input?: string; env?: NodeJS.ProcessEnv },
): Promise<T> {
  const result = await slmem([...args, '--json'], options);
  if (result.code !== 0) throw new Error(`slmem ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

const made: string[] = [];

/** A fresh directory and a db path inside it; `removeTempDirs` deletes them. */
export function tempDb(): { dir: string; db: string } {
  const dir = mkdtempSync(join(tmpdir(), 'slmem-cli-test-'));
  made.push(dir);
  return { dir, db: join(dir, 'memory.db') };
}

/** For `afterAll`: removes the directories `tempDb` made (and any others given). */
export function removeTempDirs(...others: string[]): void {
  for (const dir of [...made.splice(0), ...others]) rmSync(dir, { recursive: true, force: true });
}

/** The first `count` tau-bench train tasks as an import file. */
export async function writeTauJsonl(dir: string, count: number): Promise<string> {
  const train = (await loadTauRetail()).filter((t) => t.split === 'train').slice(0, count);
  const file = join(dir, 'tau.jsonl');
  writeFileSync(file, `${train.map((task, i) => JSON.stringify(tauTaskToRecord(task, i))).join('\n')}\n`);
  return file;
}

/**
 * The address a server started as a subprocess (`slmem serve`, `slmem mcp --http`) prints on stderr once it
 * listens; rejects with its stderr if it exits first.
 */
export function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise<string>((done, fail) => {
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const found = /at (http:\/\/\S+)/.exec(stderr);
      if (found?.[1]) done(found[1]);
    });
    child.on('close', (code) => fail(new Error(`the server exited ${code}: ${stderr}`)));
  });
}

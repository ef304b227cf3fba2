import { once } from 'node:events';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { MemoryError } from '../core/index.js';
import { type Cli, globalOptions, output, withMemory } from './context.js';
import { EXIT_PARTIAL_IMPORT } from './errors.js';
import { formatDuration, plural, type Terminal } from './format.js';
import { integer } from './parse.js';
import { createProgress } from './progress.js';
import { embedStale } from './reindex.js';

export interface LineFailure {
  line: number;
  error: { code: string; message: string };
}

/** Parsed lines of a JSONL text: the objects with their line numbers, and the lines that are not JSON. */
export function parseJsonl(text: string): { records: unknown[]; lines: number[]; failed: LineFailure[] } {
  const records: unknown[] = [];
  const lines: number[] = [];
  const failed: LineFailure[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    try {
      records.push(JSON.parse(raw));
      lines.push(i + 1);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      failed.push({ line: i + 1, error: { code: 'INVALID_INPUT', message: `not valid JSON: ${reason}` } });
    }
  });
  return { records, lines, failed };
}

export function registerImportExportCommands(program: Command, cli: Cli): void {
  program
    .command('import')
    .description(
      'store finished episodes from a JSONL file (one episode record per line) and learn from them',
    )
    .argument('<file>', 'a .jsonl file, or - for stdin')
    .option('--batch-size <n>', 'episodes per transaction (1-10000)', integer('--batch-size', 1, 10_000), 100)
    .addOption(
      new Option(
        '--on-conflict <mode>',
        'a record whose id is already stored: skip it (default) or report it as failed',
      )
        .choices(['skip', 'fail'])
        .default('skip'),
    )
    .option(
      '--no-embed',
      'do not embed the episodes now (retrieval finds them by their words until "slmem reindex")',
    )
    .addHelpText(
      'after',
      `
Each line is one episode, e.g.
  {"task":"Fix the login test","context":{"domain":"web"},"steps":[{"tool":"bash","action":"npm test","error":"AssertionError"},{"tool":"edit","action":"fix expiry"}],"outcome":{"status":"success","verdict":"tests pass"}}
Blank lines are skipped. A line that is not JSON or not a valid episode is reported with its line number and
leaves nothing behind; the other lines are imported. A line without "id" gets one derived from its content, so
importing the file again after fixing its bad lines stores only those (the rest are reported as skipped).

Exit code: 0 when every line was imported, 8 when some lines failed (the rest were imported).

Example:
  $ slmem export old.jsonl && slmem --db new.db import old.jsonl`,
    )
    .action(async (file: string, flags: ImportFlags, command: Command) => {
      const text = await readInput(file, cli);
      const parsed = parseJsonl(text);
      let seconds = 0;
      const { report, embedded, tuned } = await withMemory(command, cli, async (memory) => {
        const progress = createProgress(cli.stderr, 'Importing');
        const started = performance.now();
        const report = await memory.importEpisodes(parsed.records, {
          batchSize: flags.batchSize,
          onProgress: progress.update,
          embed: false,
          onConflict: flags.onConflict,
        });
        progress.finish();
        seconds = (performance.now() - started) / 1_000;
        const embedded = flags.embed ? await embedStale(memory, cli) : null;
        // A memory that just learned from many episodes chooses its settings from them at once (with vectors,
        // so after embedding), rather than after 25 live completions.
        const tuned = report.imported >= 25 && embedded !== null ? await memory.tune() : undefined;
        return { report, embedded, tuned };
      });
      const failed = [
        ...parsed.failed,
        ...report.failed.map(({ index, error }) => ({
          line: parsed.lines[index] ?? 0,
          error: { code: error.code, message: error.message },
        })),
      ].sort((a, b) => a.line - b.line);
      if (failed.length > 0) cli.exitCode = EXIT_PARTIAL_IMPORT;
      const skipped = report.skipped.length;
      const result = {
        imported: report.imported,
        skipped,
        failed,
        seconds: round3(seconds),
        embedded,
        tuning: tuned?.note ?? null,
      };
      output(command, cli, result, (t) => {
        renderImport(t, report.imported, failed, seconds);
        if (skipped > 0) t.line(t.style.dim(`Skipped ${plural(skipped, 'episode')} already stored`));
        if (embedded?.provider) {
          const what = `${plural(embedded.episodes, 'episode')} and ${plural(embedded.patterns, 'pattern')}`;
          t.line(
            t.style.dim(
              `Embedded ${what} with ${embedded.provider} in ${formatDuration(embedded.seconds * 1_000)}`,
            ),
          );
        }
        if (tuned) t.line(t.style.dim(`Tuned ${tuned.note}`));
      });
    });

  program
    .command('export')
    .description('write every completed episode as JSONL (the import format), oldest first')
    .argument('[file]', 'where to write; stdout when left out. Written to FILE.tmp, then renamed.')
    .addHelpText(
      'after',
      '\nExample:\n  $ slmem export backup.jsonl\n  $ slmem export | gzip > backup.jsonl.gz',
    )
    .action(async (file: string | undefined, _flags: unknown, command: Command) => {
      const count = await withMemory(command, cli, async (memory) => {
        const lines = (async function* () {
          for await (const record of memory.exportEpisodes()) yield `${JSON.stringify(record)}\n`;
        })();
        return file ? writeFileAtomically(file, lines) : writeLines(cli.stdout.stream, lines);
      });
      if (file) {
        output(command, cli, { exported: count, file }, (t) =>
          t.line(`Exported ${plural(count, 'episode')} to ${file}`),
        );
      } else if (!globalOptions(command).json) {
        cli.stderr.line(cli.stderr.style.dim(`Exported ${plural(count, 'episode')}`));
      }
    });
}

const round3 = (x: number) => Math.round(x * 1_000) / 1_000;

interface ImportFlags {
  batchSize: number;
  embed: boolean;
  onConflict: 'skip' | 'fail';
}

function renderImport(t: Terminal, imported: number, failed: LineFailure[], seconds: number): void {
  const rate = seconds > 0 ? Math.round(imported / seconds) : imported;
  const summary = `Imported ${plural(imported, 'episode')} in ${formatDuration(seconds * 1_000)} (${rate}/s); ${failed.length} failed`;
  t.line(failed.length > 0 ? t.style.yellow(summary) : t.style.green(summary));
  for (const { line, error } of failed)
    t.line(`  line ${line}: ${t.style.bold(error.code)}: ${error.message}`);
}

async function readInput(file: string, cli: Cli): Promise<string> {
  if (file === '-') {
    if ((cli.stdin as { isTTY?: boolean }).isTTY)
      cli.stderr.line(cli.stderr.style.dim('Reading episodes from stdin; end with Ctrl-D.'));
    const chunks: Buffer[] = [];
    for await (const chunk of cli.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw fileError(error, file, 'read');
  }
}

function fileError(error: unknown, file: string, verb: string): MemoryError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' && verb === 'read') {
    return new MemoryError('NOT_FOUND', `file ${file} does not exist`, { cause: error });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new MemoryError('INVALID_INPUT', `cannot ${verb} ${file}: ${reason}`, { cause: error });
}

/** Writes until the lines end or the reader goes away (`| head`): a closed pipe ends the export, not in error. */
async function writeLines(stream: NodeJS.WritableStream, lines: AsyncIterable<string>): Promise<number> {
  const closed = () => (stream as { destroyed?: boolean }).destroyed === true;
  let count = 0;
  for await (const line of lines) {
    if (closed()) break;
    count++;
    if (!stream.write(line) && !closed()) await drainedOrClosed(stream);
  }
  return count;
}

async function drainedOrClosed(stream: NodeJS.WritableStream): Promise<void> {
  const stop = new AbortController();
  const wait = (event: string) => once(stream, event, { signal: stop.signal });
  // 'error' (EPIPE) rejects the waits: the next closed() check ends the loop.
  await Promise.race([wait('drain'), wait('close')]).catch(() => {});
  stop.abort();
}

/** Writes to `file.tmp`, flushes it to disk, then renames: a crash leaves the old file or the new one, never half. */
async function writeFileAtomically(file: string, lines: AsyncIterable<string>): Promise<number> {
  const tmp = `${file}.tmp`;
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(tmp, 'w');
    let count = 0;
    let buffer = '';
    for await (const line of lines) {
      count++;
      buffer += line;
      if (buffer.length >= 1 << 16) {
        await handle.write(buffer);
        buffer = '';
      }
    }
    await handle.write(buffer);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(tmp, file);
    return count;
  } catch (error) {
    await handle?.close().catch(() => {});
    await rm(tmp, { force: true });
    throw error instanceof MemoryError ? error : fileError(error, file, 'write');
  }
}

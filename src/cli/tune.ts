import type { Command } from 'commander';
import { type Cli, output, withMemory } from './context.js';
import { formatDuration } from './format.js';

export function registerTuneCommand(program: Command, cli: Cli): void {
  program
    .command('tune')
    .description(
      "choose retrieval and playbook settings from the memory's own history, and calibrate its confidence",
    )
    .addHelpText(
      'after',
      `
The memory asks itself about its newest successful episodes (up to 150), each with itself left out, and keeps
the text index, list weights and playbook settings that found the episodes with the same distinctive tools
best; the playbook's confidence is then mapped to how often such plans were right. With fewer than 30 such
episodes the defaults stay. Every process of the store uses the result; a server and the library also tune in
the background after every 25 completions. "slmem stats" shows the last tuning.

Example:
  $ slmem tune`,
    )
    .action(async (_flags: unknown, command: Command) => {
      const started = performance.now();
      const record = await withMemory(command, cli, (memory) => memory.tune());
      const seconds = Math.round(performance.now() - started) / 1_000;
      output(command, cli, { ...record, seconds }, (t) =>
        t.line(`Tuned in ${formatDuration(seconds * 1_000)}: ${record?.note ?? 'nothing to tune'}`),
      );
    });
}

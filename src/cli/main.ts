#!/usr/bin/env node
import { run } from './program.js';

// `slmem export | head` closes the pipe early: that is the reader's choice, not an error. The command runs
// on and its exit code stands (`slmem import bad.jsonl | head` still exits 8); writers stop when stdout closes.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') return;
  throw error;
});

process.exitCode = await run(process.argv, {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
});

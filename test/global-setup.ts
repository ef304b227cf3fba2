import { execFileSync } from 'node:child_process';

/**
 * Builds `dist/` once before the suite: the CLI and crash tests run the package as a real subprocess,
 * exactly as a user would after `npm ci`.
 */
export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    stdio: 'inherit',
  });
}

import { execFileSync } from 'node:child_process';

/**
 * Builds `dist/` once before the suite: the CLI and crash tests run the package as a real subprocess,
 * exactly as a user would after `npm ci`. Same build as `npm run build`, which also makes the bin
 * executable for `npx slmem`.
 */
export default function setup(): void {
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
}

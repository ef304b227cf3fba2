import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Creates `folder` and its missing parents, one level at a time, and throws the first failure as it is.
 *
 * Not `mkdirSync(folder, { recursive: true })`: Node's walk goes back to the parent on every ENOENT and forward
 * again on EEXIST, with no bound, so it spins forever where a parent exists but cannot hold children: procfs and
 * sysfs answer ENOENT to a mkdir under a folder that exists. Here the walk goes up once, to the nearest folder
 * that exists, then down; each step is a single mkdir, so the number of calls is the depth of the path.
 */
export function makeFolder(folder: string): void {
  const missing: string[] = [];
  // A file on the way is collected too: its mkdir then fails with EEXIST.
  for (let current = resolve(folder); !isFolder(current); current = dirname(current)) {
    missing.push(current);
    // The root's parent is the root: a path whose root does not exist (a missing drive) ends here.
    if (dirname(current) === current) break;
  }
  for (const path of missing.reverse()) {
    try {
      mkdirSync(path);
    } catch (error) {
      // Another process made it meanwhile: fine, when it is a folder.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !isFolder(path)) throw error;
    }
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

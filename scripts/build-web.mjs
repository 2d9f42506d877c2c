// Builds the browser app into dist/web. With --if-stale it does nothing when the build is newer
// than every source it comes from, so `npm start` stays fast after the first install.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const output = path.join(root, 'dist/web/index.html');
const sources = ['src/web', 'src/domain', 'vite.config.ts'].map((p) => path.join(root, p));

function newestMtime(p) {
  if (!existsSync(p)) return 0;
  const stat = statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(p).map((entry) => newestMtime(path.join(p, entry))));
}

if (!existsSync(path.join(root, 'vite.config.ts'))) process.exit(0);
if (
  process.argv.includes('--if-stale') &&
  existsSync(output) &&
  statSync(output).mtimeMs >= Math.max(...sources.map(newestMtime))
) {
  process.exit(0);
}
console.log('Building the web UI (vite build)…');
const result = spawnSync(
  process.execPath,
  [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
process.exit(result.status ?? 1);

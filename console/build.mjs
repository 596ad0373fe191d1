// Builds the console into dist/: index.html, console.js, console.css.
// Deterministic: the same sources and package-lock give byte-identical output.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const src = join(root, 'src');
const dist = join(root, 'dist');

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

await build({
  entryPoints: [join(src, 'main.js')],
  outfile: join(dist, 'console.js'),
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  legalComments: 'none',
  charset: 'utf8',
  logLevel: 'warning',
});

await build({
  entryPoints: [join(src, 'console.css')],
  outfile: join(dist, 'console.css'),
  bundle: true,
  minify: true,
  logLevel: 'warning',
});

writeFileSync(join(dist, 'index.html'), readFileSync(join(src, 'index.html')));

for (const f of ['index.html', 'console.js', 'console.css']) {
  const n = readFileSync(join(dist, f)).length;
  console.log(`dist/${f}  ${(n / 1024).toFixed(1)} KiB`);
}

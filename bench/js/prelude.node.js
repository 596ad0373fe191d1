// Loaded with `node -r ./prelude.node.js` so the workloads can call pipy's global println().
globalThis.println = (...args) => process.stdout.write(args.map(String).join(' ') + '\n');

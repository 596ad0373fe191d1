const defaults = { port: 8080, host: '0.0.0.0', tls: false, workers: 'auto' };
const env = { PORT: '9000', TLS: 'yes', WORKERS: '4' };
const toBool = (s) => select(String(s).toLowerCase(), 'yes', true, 'true', true, '1', true, false);
const config = {};
repeat(Object.keys(defaults), (k) => {
  const envVal = env[k.toUpperCase()];
  config[k] = branch(
    envVal === undefined, defaults[k],
    typeof defaults[k] === 'number', () => Number(envVal),
    typeof defaults[k] === 'boolean', () => toBool(envVal),
    k === 'workers', () => invoke(() => { const n = parseInt(envVal, 10); if (Number.isNaN(n)) throw new Error('bad'); return n; }, 'auto'),
    envVal
  );
});
println(JSON.stringify(config));
println('types', Object.values(config).map((v) => typeof v).join(','));
println('bools', ['YES', 'no', 'True', '0', 1].map(toBool));

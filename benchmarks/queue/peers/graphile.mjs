// graphile-worker burn-down: node graphile.mjs <postgres-url> <N> <concurrency> plain|localqueue
import { run, makeWorkerUtils, Logger } from 'graphile-worker';

const logger = new Logger(() => () => {});

const [url, nArg, cArg, mode] = process.argv.slice(2);
const N = Number(nArg), C = Number(cArg);
const utils = await makeWorkerUtils({ connectionString: url, logger });
await utils.migrate();
await utils.withPgClient((c) => c.query('delete from graphile_worker._private_jobs'));
for (let i = 0; i < N; i += 5000) {
  await utils.addJobs(Array.from({ length: Math.min(5000, N - i) }, () => ({ identifier: 'noop', payload: {} })));
}
await utils.release();
let done = 0;
let finish;
const finished = new Promise((r) => { finish = r; });
// The fastest documented configuration: a local queue of 100 with immediate batched completion.
const preset = mode === 'localqueue' ? { worker: { localQueue: { size: 100 }, completeJobBatchDelay: 0, failJobBatchDelay: 0 } } : {};
const t0 = performance.now();
const runner = await run({
  connectionString: url, concurrency: C, noHandleSignals: true, pollInterval: 1000, preset, logger,
  taskList: { noop: async () => { if (++done === N) finish(); } },
});
await finished;
const secs = (performance.now() - t0) / 1000;
console.log(`graphile-worker c=${C}${mode === 'localqueue' ? ',localQueue=100' : ''} ${Math.round(N / secs)}`);
await runner.stop().catch(() => {});
process.exit(0);

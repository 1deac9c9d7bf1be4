// The minimal ESL echo (answer, hang up) in its own process, so that the baseline, like the
// controller, has a core of its own beside the simulator's. Prints its port, runs until stdin
// closes. A line "metrics" on stdin is answered with the two figures the bench reads from the
// controller's /metrics, under the same names and with the same buckets, then "# EOF": the
// first-command histogram and the event-loop delay p99 since the last answer. So the echo is
// held to the same test of "sustained" as the controller.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { MinimalController } from './sim.js';

/** The controller's cti_esl_first_command_seconds buckets (src/main.ts). */
const BUCKETS_S = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1];
/** prom-client's default eventLoopMonitoringPrecision, which the controller uses */
const LOOP_RESOLUTION_MS = 10;

const counts = new Array<number>(BUCKETS_S.length).fill(0);
let total = 0;
const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
loop.enable();

const echo = new MinimalController((ms) => {
  total++;
  BUCKETS_S.forEach((le, i) => {
    if (ms / 1000 <= le) counts[i]!++;
  });
});

function metricsText(): string {
  const name = 'cti_esl_first_command_seconds';
  const lines = BUCKETS_S.map((le, i) => `${name}_bucket{le="${le}"} ${counts[i]}`);
  lines.push(`${name}_bucket{le="+Inf"} ${total}`);
  lines.push(`cti_nodejs_eventloop_lag_p99_seconds ${loop.percentile(99) / 1e9}`);
  loop.reset();
  return `${lines.join('\n')}\n# EOF\n`;
}

const port = await echo.listen();
process.stdout.write(`${port}\n`);
createInterface({ input: process.stdin })
  .on('line', (line) => {
    if (line.trim() === 'metrics') process.stdout.write(metricsText());
  })
  .on('close', () => void echo.close().then(() => process.exit(0)));

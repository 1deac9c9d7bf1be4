// Checks the controller against a real FreeSWITCH 1.10, or against our simulator with the same
// scenarios (README: "Checking against a real FreeSWITCH"). It starts the controller itself, as
// `npm start` runs it, with its own database and the config's ring and wrap-up timers shortened,
// then runs each scenario and prints one PASS or FAIL line per scenario; the exit code is 1 when
// any scenario failed.
//
//   node --import tsx scripts/real-freeswitch-check.ts [--host 127.0.0.1] [--port 8021] [--password ClueCon]
//        [--config config/] [--recordings-dir /var/lib/freeswitch/recordings] [--only name,name]
//   node --import tsx scripts/real-freeswitch-check.ts --against-simulator [--dialplan dialplan/] [--only …]
//
// The scenarios are in scripts/switch-check/checks.ts; the switch needs the test context
// dialplan/cti_test.xml, seats whose dial-string is loopback/seat-<id>/cti_test and the gateways
// pointed at a profile routed into cti_test (the simulator is set up so by
// scripts/switch-check/simulator.ts). Given a scenario file instead, the script runs the older
// mode: the file's calls placed on the real switch and a summary printed to compare with
// `cti sim`'s (scripts/switch-check/summary.ts).
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CHECKS } from './switch-check/checks.js';
import { runChecks } from './switch-check/run.js';
import { runScenarioSummary } from './switch-check/summary.js';

const projectDir = resolve(fileURLToPath(new URL('..', import.meta.url)));
const USAGE = `usage:
  node --import tsx scripts/real-freeswitch-check.ts [--host H] [--port P] [--password PW] [--config DIR] [--recordings-dir DIR] [--only NAMES]
  node --import tsx scripts/real-freeswitch-check.ts --against-simulator [--dialplan DIR] [--config DIR] [--only NAMES]
  node --import tsx scripts/real-freeswitch-check.ts [--host H] [--port P] [--password PW] [--max-duration-s S] <scenario.yaml>
scenarios, in the order they run: ${CHECKS.map((c) => c.name).join(', ')}
`;

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      password: { type: 'string' },
      'max-duration-s': { type: 'string' },
      'against-simulator': { type: 'boolean' },
      dialplan: { type: 'string' },
      config: { type: 'string' },
      'recordings-dir': { type: 'string' },
      only: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
}
try {
  parsed = parse();
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n${USAGE}`);
  process.exit(2);
}
const { values, positionals } = parsed;
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const simulator = values['against-simulator'] === true;
const freeswitch = {
  host: values.host ?? process.env.FS_HOST ?? '127.0.0.1',
  port: Number(values.port ?? process.env.FS_PORT ?? 8021),
  password: values.password ?? process.env.FS_PASSWORD ?? 'ClueCon',
};

if (positionals.length > 0) {
  if (positionals.length > 1 || simulator) {
    process.stderr.write(USAGE);
    process.exit(2);
  }
  process.exit(await runScenarioSummary({ ...freeswitch, maxDurationS: Number(values['max-duration-s'] ?? 600), scenarioFile: positionals[0]! }));
}

const only = values.only
  ? values.only
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
  : null;
const unknown = (only ?? []).filter((n) => !CHECKS.some((c) => c.name === n));
if (unknown.length > 0 || (!simulator && values.dialplan)) {
  process.stderr.write(`${unknown.length ? `unknown scenario: ${unknown.join(', ')}\n` : '--dialplan is for --against-simulator only\n'}${USAGE}`);
  process.exit(2);
}

const result = await runChecks({
  projectDir,
  configDir: resolve(values.config ?? process.env.CTI_CONFIG ?? resolve(projectDir, 'config')),
  freeswitch: simulator ? null : freeswitch,
  simulatorDialplan: resolve(values.dialplan ?? resolve(projectDir, 'dialplan')),
  recordingsDir: values['recordings-dir'] ?? '/var/lib/freeswitch/recordings',
  only,
  out: (line) => process.stdout.write(`${line}\n`),
  log: (line) => process.stderr.write(`${line}\n`),
});
process.exit(result.failed.length > 0 ? 1 : 0);

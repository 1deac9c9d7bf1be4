// `npm run bench -- <name> [options]`: benchmark scripts that print figures and ratios.
// Goals live here, never in timed tests.
const benches: Record<string, () => Promise<{ main(argv: string[]): Promise<void> }>> = {
  tickets: () => import('./tickets.js'),
  sim: () => import('./sim.js'),
  calls: () => import('./calls.js'),
  acd: () => import('./acd.js'),
  reports: () => import('./reports.js'),
};

const [name, ...rest] = process.argv.slice(2);
const load = name ? benches[name] : undefined;
if (!load) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(benches).join('|')}> [options]\n`);
  process.exit(2);
}
await (await load()).main(rest);

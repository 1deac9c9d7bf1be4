// The minimal ESL echo (answer, hang up) in its own process, so that the baseline, like the
// controller, has a core of its own beside the simulator's. Prints its port, runs until stdin closes.
import { MinimalController } from './sim.js';

const echo = new MinimalController();
const port = await echo.listen();
process.stdout.write(`${port}\n`);
process.stdin.resume();
process.stdin.on('end', () => void echo.close().then(() => process.exit(0)));

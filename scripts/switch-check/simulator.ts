// The simulator set up as docs/real-freeswitch.md asks an operator to set up the FreeSWITCH box: seats
// 1001–1012 in the directory with the dial-string loopback/seat-<id>/cti_test, and the gateways
// telecom-trunk and police-110 pointed at a second profile of the same switch whose context is
// cti_test; the dialplan folder (the generated public context and dialplan/cti_test.xml) is the
// one an operator installs. Its outbound sockets go to the controller's port.
import { startSimulator, type Simulator } from '../../src/sim/index.js';

export const SEATS = Array.from({ length: 12 }, (_, i) => String(1001 + i));

/** The README's directory entries and gateway far end, as the simulator's options. */
export function testBoxEngine() {
  return {
    seed: 17,
    directory: Object.fromEntries(SEATS.map((id) => [id, `loopback/seat-${id}/cti_test`])),
    gateways: ['telecom-trunk', 'police-110'],
    farEnds: {
      'telecom-trunk': { profile: 'cti-far-end', context: 'cti_test', address: '127.0.0.1' },
      'police-110': { profile: 'cti-far-end', context: 'cti_test', address: '127.0.0.1' },
    },
    globals: { domain_name: '127.0.0.1', sounds_dir: '/usr/share/freeswitch/sounds', recordings_dir: '/var/lib/freeswitch/recordings' },
    // every prompt plays 0.3 s (there is no audio); the hold music loops on
    defaultPromptS: 0.3,
  };
}

export async function startTestSimulator(dialplanDir: string, controllerPort: number, password: string): Promise<Simulator> {
  return startSimulator({
    eslPort: 0,
    password,
    dialplanDir,
    controller: { host: '127.0.0.1', port: controllerPort },
    engine: testBoxEngine(),
  });
}

// A small mod_conference, enough for a three-way call: members join and leave, and the
// CUSTOM conference::maintenance events (conference-create, add-member, del-member,
// conference-destroy) carry the conference block, the member's basic channel data without
// variables, the member flags and Action last (conference_member.c conference_member_add /
// conference_member_del, conference_member_add_event_data; mod_conference.c conference_new,
// conference_thread_run). `Conference-Size` already counts a joining member and no longer
// counts a leaving one; Member-ID comes from one counter shared by every conference.
import { randomUUID } from 'node:crypto';
import type { Headers } from '../../contracts.js';
import type { AppCall, AppSpec, Conference, Core } from '../core.js';
import type { Channel } from '../channel.js';
import { dequeueDtmf, interrupted, tick } from '../execution.js';
import { answer } from '../lifecycle.js';
import { SITES } from '../sites.js';
import type { CallSite } from '../emit.js';

const SUBCLASS = 'conference::maintenance';

function conferenceBlock(core: Core, conf: Conference): Headers {
  return [
    ['Conference-Name', conf.name],
    ['Conference-Domain', core.globals.get('domain_name') ?? core.globals.get('domain') ?? ''],
    ['Conference-Size', String(conf.members.length)],
    ['Conference-Ghosts', '0'],
    ['Conference-Profile-Name', 'default'],
    ['Conference-Unique-ID', conf.uuid],
  ];
}

function fireMember(core: Core, conf: Conference, ch: Channel, memberId: number, action: string, site: CallSite): void {
  const floor = conf.members[0]?.uuid === ch.uuid;
  const flag = (v: boolean) => (v ? 'true' : 'false');
  const headers: Headers = [
    ...conferenceBlock(core, conf),
    ['Floor', flag(floor)],
    ...core.emit.channelHeaders(ch),
    ['Video', 'false'],
    ['Hear', 'true'],
    ['See', 'true'],
    ['Speak', 'true'],
    ['Talking', 'false'],
    ['Mute-Detect', 'false'],
    ['Hold', 'false'],
    ['Member-ID', String(memberId)],
    ['Member-Type', 'member'],
    ['Member-Ghost', 'false'],
    ['Energy-Level', '100'],
    ['Current-Energy', '0'],
    ['Action', action],
  ];
  core.emit.plain('CUSTOM', site, headers, { subclass: SUBCLASS, channelUuid: ch.uuid });
}

function fireConference(core: Core, conf: Conference, action: string, site: CallSite): void {
  core.emit.plain('CUSTOM', site, [...conferenceBlock(core, conf), ['Action', action]], { subclass: SUBCLASS });
}

/** conference <name>[@<profile>][+<pin>][+flags{...}]: joins until the channel leaves. */
async function conference({ core, ch, arg }: AppCall): Promise<void> {
  const name = (arg.split(/[@+]/)[0] ?? '').trim();
  if (!name) return;
  answer(core, ch);
  let conf = core.conferences.get(name);
  if (!conf) {
    conf = { name, uuid: randomUUID(), members: [] };
    core.conferences.set(name, conf);
    fireConference(core, conf, 'conference-create', SITES.conferenceCreate);
  }
  const memberId = core.nextMemberId++;
  conf.members.push({ uuid: ch.uuid, memberId });
  ch.setVar('conference_name', name);
  ch.setVar('conference_member_id', String(memberId));
  fireMember(core, conf, ch, memberId, 'add-member', SITES.conference);
  while (!interrupted(ch)) {
    while (dequeueDtmf(core, ch));
    await tick(core, ch);
  }
  conf.members = conf.members.filter((m) => m.uuid !== ch.uuid);
  fireMember(core, conf, ch, memberId, 'del-member', SITES.conferenceDel);
  if (conf.members.length === 0) {
    core.conferences.delete(name);
    fireConference(core, conf, 'conference-destroy', SITES.conferenceDestroy);
  }
}

export const CONFERENCE_APPS: Record<string, AppSpec> = {
  conference: { run: conference, noMedia: false },
};

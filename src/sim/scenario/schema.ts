// The scenario file of `cti sim` and the demo (docs/architecture.md §4): shape only. Rules that span
// fields (min ≤ max, unique agents, something to run) are in load.ts, so that each message can
// point at the exact field.
import { Type, type Static } from 'typebox';

const Seconds = Type.Number({ minimum: 0 });
const Probability = Type.Number({ minimum: 0, maximum: 1 });
const PhoneNumber = Type.String({ pattern: '^[0-9]{3,15}$', description: 'digits only, 3 to 15' });
const Digits = Type.String({ pattern: '^[0-9*#]+$', description: 'DTMF digits (0-9, *, #)' });
const Id = Type.String({ pattern: '^[a-z][a-z0-9-]*$', description: 'lower-case letters, digits and dashes' });

/** A time in seconds: a number, a list used in turn, or a uniform distribution. */
const Delay = Type.Union([
  Seconds,
  Type.Array(Seconds, { minItems: 1 }),
  Type.Object({ dist: Type.Literal('uniform'), min: Seconds, max: Seconds }, { additionalProperties: false }),
]);

const Agent = Type.Object(
  {
    id: Type.String({ pattern: '^[0-9]{3,6}$', description: 'a seat id, 3 to 6 digits' }),
    answer_after_s: Type.Optional(Delay),
    talk_s: Type.Optional(Delay),
    reject: Type.Optional(Probability),
    busy: Type.Optional(Probability),
    registered: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const Hotline = Type.Object(
  {
    answer_after_s: Delay,
    talk_s: Type.Optional(Delay),
    busy: Type.Optional(Probability),
    unreachable: Type.Optional(Probability),
    early_media: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const Press = Type.Object({ at_s: Seconds, digits: Digits }, { additionalProperties: false });

const Call = Type.Object(
  {
    at_s: Seconds,
    from: PhoneNumber,
    to: PhoneNumber,
    /** digits pressed when the menu is heard, or pressed at given seconds after the call starts */
    dtmf: Type.Optional(Type.Union([Digits, Type.Array(Press)])),
    hangup_after_s: Type.Optional(Seconds),
    patience_s: Type.Optional(Seconds),
    diversion: Type.Optional(PhoneNumber),
    gateway: Type.Optional(Id),
    /** the agent's one-key transfer, performed by the controller side (cti sim), not by the switch */
    transfer_to: Type.Optional(PhoneNumber),
  },
  { additionalProperties: false },
);

const Weights = (key: typeof PhoneNumber | typeof Digits) => Type.Record(key, Type.Number({ minimum: 0 }));

const Traffic = Type.Object(
  {
    per_hour: Type.Number({ exclusiveMinimum: 0 }),
    hours: Type.Number({ exclusiveMinimum: 0 }),
    mix: Weights(PhoneNumber),
    /** the menu key callers press, by weight */
    dtmf: Type.Optional(Weights(Digits)),
    hangup_after_s: Type.Optional(Delay),
    patience_s: Type.Optional(Delay),
  },
  { additionalProperties: false },
);

export const ScenarioSchema = Type.Object(
  {
    seed: Type.Integer(),
    agents: Type.Optional(Type.Array(Agent)),
    hotlines: Type.Optional(Type.Record(PhoneNumber, Hotline)),
    calls: Type.Optional(Type.Array(Call)),
    traffic: Type.Optional(Traffic),
  },
  { additionalProperties: false },
);

export type ScenarioFile = Static<typeof ScenarioSchema>;
export type ScenarioCall = Static<typeof Call>;
export type ScenarioDelay = Static<typeof Delay>;

// The scenario's agents at their desktops: each seat's operator (user <prefix><seat>) logs in
// and goes ready through the controller's HTTP API, and a supervisor account performs each call's
// `transfer_to` as the agent's one-key warm transfer (transfer, wait for the department, then
// complete), exactly the requests the agent desktop sends. The simulator itself never decides
// a transfer; it only answers the legs the controller places.

export type TransferOutcome = 'completed' | 'failed' | 'refused' | 'no_talk';

export interface DeskResult {
  call: number;
  from: string;
  to: string;
  performed_by: 'controller';
  /** not_performed: no --api given, so no desk could ask the controller */
  outcome: TransferOutcome | 'not_performed';
}

/** A bearer token for a user: POST /api/auth/login, or a session the in-process test board makes. */
export type SignIn = (username: string, password: string) => Promise<string>;

/** How requests reach the API, and how users sign in: the network by default. */
export interface DeskTransport {
  fetch: typeof globalThis.fetch;
  signIn?: SignIn;
}

export class AgentDesks {
  private constructor(
    private readonly base: string,
    private readonly token: string,
    private readonly fetch: typeof globalThis.fetch,
    private readonly signIn: SignIn,
  ) {}

  /** Logs in to the controller's API (POST /api/auth/login, unless the transport signs in itself). */
  static async login(base: string, username: string, password: string, transport: DeskTransport = { fetch: globalThis.fetch }): Promise<AgentDesks> {
    const signIn = transport.signIn ?? loginOver(base, transport.fetch);
    return new AgentDesks(base, await signIn(username, password), transport.fetch, signIn);
  }

  /** Each seat's operator (`<prefix><seat>`) takes the seat and goes ready (示闲), as at the start of a shift. */
  async ready(seats: string[], userPrefix: string, password: string): Promise<void> {
    for (const seat of seats) {
      const operator = new AgentDesks(this.base, await this.signIn(`${userPrefix}${seat}`, password), this.fetch, this.signIn);
      for (const step of ['login', 'ready']) {
        const r = await operator.request('POST', `/api/agents/${seat}/${step}`);
        if (r.status !== 200) throw new Error(`seat ${seat} ${step}: ${r.status} ${JSON.stringify(r.body)}`);
      }
    }
  }

  /**
   * Once an agent talks with the caller, a warm transfer to `hotline`, completed when the
   * department answers. Gives up when no agent took the call within `waitS`.
   */
  async transfer(callId: string, hotline: string, waitS: number): Promise<TransferOutcome> {
    const talking = await this.poll(callId, (b) => b.phase === 'talking' || b.phase === 'held', waitS);
    if (!talking) return 'no_talk';
    const r = await this.request('POST', `/api/calls/${callId}/transfer`, { hotline });
    if (r.status === 409 && r.body.error === 'CTI_TRANSFER_REFUSED') return 'refused';
    if (r.status !== 202) return 'failed';
    const settled = await this.poll(callId, (b) => b.phase === 'consulting' || (b.phase !== 'ringing' && b.attempt?.state !== 'ringing'), 120);
    if (settled?.phase !== 'consulting') return settled?.phase === 'handed_over' ? 'completed' : 'failed';
    const done = await this.request('POST', `/api/calls/${callId}/transfer/complete`);
    return done.status === 200 ? 'completed' : 'failed';
  }

  // biome-ignore lint/suspicious/noExplicitAny: the API's JSON bodies, read by field name
  private async poll(callId: string, accept: (body: any) => boolean, waitS: number): Promise<any | null> {
    const end = Date.now() + waitS * 1000;
    while (Date.now() < end) {
      const r = await this.request('GET', `/api/calls/${callId}/transfer`);
      if (r.status === 200 && accept(r.body)) return r.body;
      if (r.status === 200 && r.body.phase === 'over') return r.body;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return null;
  }

  // biome-ignore lint/suspicious/noExplicitAny: the API's JSON bodies, read by field name
  private async request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const r = await this.fetch(`${this.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  }
}

function loginOver(base: string, fetchFn: typeof globalThis.fetch): SignIn {
  return async (username, password) => {
    const r = await fetchFn(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const body = (await r.json()) as { token?: string; message?: string };
    if (r.status !== 200 || !body.token) throw new Error(`login to ${base} as ${username} failed: ${r.status} ${body.message ?? ''}`);
    return body.token;
  };
}

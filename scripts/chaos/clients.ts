// The people of the chaos run: an office and departments acting through the HTTP API as a browser
// or another system would — every POST with an Idempotency-Key, sent again with the same key after
// any answer that is not final (no answer, a 5xx, a 503, a request still in progress), until a 2xx
// or another 4xx comes back. Each action is recorded with its key and its final answer, which the
// checks compare with what PostgreSQL and the workflows hold.

export interface ActionRecord {
  key: string;
  measureId: string;
  /** URL segment: acknowledge, submit-progress, … ; `dispatch` for the dispatch. */
  action: string;
  user: string;
  departmentId: string | null;
  /** When it was first sent, and when its final answer came. */
  firstAt: number;
  answeredAt: number | null;
  attempts: number;
  outcome: 'accepted' | 'rejected' | 'unanswered';
  status: number | null;
  code: string | null;
  /** Why it was last sent again. */
  lastRetryCause: string | null;
}

export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Answers that are not final: the same request is sent again with the same key. */
function retryable(status: number, body: Record<string, unknown>): boolean {
  return status >= 500 || status === 429 || body.code === 'IDEMPOTENCY_IN_PROGRESS';
}

export class Http {
  readonly actions: ActionRecord[] = [];
  /** Requests sent again after an answer that was not final, and the answers that caused it. */
  retries = 0;
  readonly retryCauses = new Map<string, number>();
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  private counter = 0;

  constructor(
    readonly baseUrl: string,
    private readonly runId: string,
    /** No request is sent again after this (the end of the run). */
    private readonly giveUpAt: () => number,
    private readonly maxInFlight = 16,
  ) {}

  key(what: string): string {
    return `chaos-${this.runId}-${++this.counter}-${what}`;
  }

  private async slot(): Promise<() => void> {
    while (this.inFlight >= this.maxInFlight) await new Promise<void>((r) => this.waiting.push(r));
    this.inFlight++;
    return () => {
      this.inFlight--;
      this.waiting.shift()?.();
    };
  }

  /** One request, sent until its answer is final or the run ends; undefined when it never was. */
  async request(
    token: string | null,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    key?: string,
    watch: { onAttempt?: () => void; onRetry?: (cause: string) => void } = {},
  ): Promise<Answer | undefined> {
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) {
        this.retries++;
        await sleep(Math.min(4000, 300 * 2 ** Math.min(attempt, 4)) * (0.5 + Math.random()));
      }
      if (Date.now() > this.giveUpAt()) return undefined;
      watch.onAttempt?.();
      const release = await this.slot();
      let cause: string;
      try {
        const res = await fetch(`${this.baseUrl}${path}`, {
          method,
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(key ? { 'idempotency-key': key } : {}),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          // Longer than any answer the API gives within its own limits (8 s to Temporal).
          signal: AbortSignal.timeout(20_000),
        });
        const text = await res.text();
        let parsed: Record<string, unknown> = {};
        try {
          parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
        } catch {
          parsed = { raw: text.slice(0, 200) };
        }
        if (!retryable(res.status, parsed)) return { status: res.status, body: parsed };
        cause = `${res.status}${typeof parsed.code === 'string' ? ` ${parsed.code}` : ''}`;
      } catch (err) {
        cause = (err as Error).name === 'TimeoutError' ? 'no answer in 20 s' : 'connection failed';
      } finally {
        release();
      }
      this.retryCauses.set(cause, (this.retryCauses.get(cause) ?? 0) + 1);
      watch.onRetry?.(cause);
    }
  }

  /** A recorded POST as `user`: an action on a measure (or its dispatch). */
  async act(
    who: { user: string; token: string; departmentId: string | null },
    measureId: string,
    action: string,
    body: Record<string, unknown>,
    key = this.key(action),
  ): Promise<{ record: ActionRecord; answer: Answer | undefined }> {
    const record: ActionRecord = {
      key,
      measureId,
      action,
      user: who.user,
      departmentId: who.departmentId,
      firstAt: Date.now(),
      answeredAt: null,
      attempts: 0,
      outcome: 'unanswered',
      status: null,
      code: null,
      lastRetryCause: null,
    };
    this.actions.push(record);
    const answer = await this.request(who.token, 'POST', `/api/measures/${measureId}/${action}`, body, key, {
      onAttempt: () => record.attempts++,
      onRetry: (cause) => (record.lastRetryCause = cause),
    });
    if (answer) {
      record.answeredAt = Date.now();
      record.status = answer.status;
      record.outcome = answer.status < 300 ? 'accepted' : 'rejected';
      record.code = typeof answer.body.code === 'string' ? answer.body.code : null;
    }
    return { record, answer };
  }

  /** A POST that must succeed (setup): 2xx or the run stops. */
  async must(token: string | null, path: string, body: unknown): Promise<Record<string, unknown>> {
    const answer = await this.request(token, 'POST', path, body, token ? this.key('setup') : undefined);
    if (!answer || answer.status >= 300) throw new Error(`POST ${path}: ${answer ? `${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}` : 'no answer'}`);
    return answer.body;
  }

  async login(username: string, password: string): Promise<string> {
    const body = await this.must(null, '/api/auth/login', { username, password });
    return String(body.token);
  }
}

import { inject } from 'vitest';

/** A message as Mailpit's API gives it (`GET /api/v1/message/<id>`), the fields tests read. */
export interface MailpitMessage {
  ID: string;
  From: { Name: string; Address: string };
  To: Array<{ Name: string; Address: string }>;
  Subject: string;
  Text: string;
  HTML: string;
  Created: string;
}

interface Summary {
  ID: string;
  To: Array<{ Address: string }> | null;
  Created: string;
}

/** Reads the run's Mailpit (integration tests only; the global setup starts it). */
export class Mailpit {
  constructor(readonly apiUrl: string = inject('mailpit').apiUrl) {}

  private async get<T>(path: string): Promise<T> {
    const r = await fetch(`${this.apiUrl}${path}`);
    if (!r.ok) throw new Error(`Mailpit ${path}: ${r.status}`);
    return (await r.json()) as T;
  }

  /** Every message to `address` among the newest 500, oldest first, in full. */
  async to(address: string): Promise<MailpitMessage[]> {
    const list = await this.get<{ messages: Summary[] }>('/api/v1/messages?limit=500');
    const mine = list.messages
      .filter((m) => (m.To ?? []).some((t) => t.Address.toLowerCase() === address.toLowerCase()))
      .sort((a, b) => a.Created.localeCompare(b.Created));
    return Promise.all(mine.map((m) => this.get<MailpitMessage>(`/api/v1/message/${m.ID}`)));
  }

  /** Waits until at least `count` messages to `address` arrived; fails after `timeoutMs`. */
  async waitFor(address: string, opts: { count?: number; timeoutMs?: number } = {}): Promise<MailpitMessage[]> {
    const count = opts.count ?? 1;
    const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
    for (;;) {
      const got = await this.to(address);
      if (got.length >= count) return got;
      if (Date.now() > deadline)
        throw new Error(`no ${count} mail(s) to ${address} in Mailpit after ${opts.timeoutMs ?? 20_000} ms (got ${got.length})`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }
}

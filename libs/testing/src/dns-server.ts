import dns2 from 'dns2';

/**
 * A real authoritative DNS server on loopback (dns2, UDP), for tests that prove a domain with a
 * TXT record: the app resolves through it with Node's own resolver (`dns.servers`), as it would
 * through a company's DNS. Names are compared case-insensitively; unknown names get NXDOMAIN.
 */
export class TestDnsServer {
  private readonly txt = new Map<string, string[][]>();
  private server: ReturnType<typeof dns2.createServer> | null = null;
  /** `127.0.0.1:<port>`, for `dns.servers`. */
  address = '';

  /** Sets the TXT records of a name (each record a list of strings); an empty list removes them. */
  setTxt(name: string, records: string[][]): void {
    if (records.length === 0) this.txt.delete(name.toLowerCase());
    else this.txt.set(name.toLowerCase(), records);
  }

  async start(): Promise<this> {
    const { Packet } = dns2;
    this.server = dns2.createServer({
      udp: true,
      handle: (request, send) => {
        const response = Packet.createResponseFromRequest(request);
        const [question] = request.questions;
        const records = question ? this.txt.get(question.name.toLowerCase().replace(/\.$/, '')) : undefined;
        if (question && records && question.type === Packet.TYPE.TXT) {
          for (const data of records) {
            // dns2's Resource type declares its encoder too; a plain record is what its examples push.
            const answer = { name: question.name, type: Packet.TYPE.TXT, class: Packet.CLASS.IN, ttl: 1, data };
            response.answers.push(answer as unknown as dns2.Packet.Resource);
          }
        } else if (!records) {
          response.header.rcode = 3; // NXDOMAIN
        }
        void send(response);
      },
    });
    const addresses = await this.server.listen({ udp: { port: 0, address: '127.0.0.1' } });
    this.address = `127.0.0.1:${addresses.udp?.port ?? 0}`;
    return this;
  }

  /** Stops answering (idempotent: a test may stop it early to see a DNS outage). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    await server?.close();
  }
}

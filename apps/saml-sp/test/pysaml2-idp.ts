import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { type TestKey, makeTestKey, writeSelfSignedCert } from '@sso/testing';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3'; // Debian's, not a pyenv shim without the Debian modules
const SCRIPT = path.join(__dirname, 'pysaml2-idp.py');

/** pysaml2 and xmlsec1 from Debian; installed here when missing and running as root (CI). */
async function ensurePysaml2(): Promise<void> {
  const present = async () => {
    try {
      await run(PYTHON, ['-c', 'import saml2']);
      await run('xmlsec1', ['--version']);
      return true;
    } catch {
      return false;
    }
  };
  if (await present()) return;
  if (process.getuid?.() !== 0) throw new Error('python3-pysaml2 and xmlsec1 are missing: apt-get install python3-pysaml2 xmlsec1');
  const install = () => run('apt-get', ['install', '-y', '--no-install-recommends', 'python3-pysaml2', 'xmlsec1'], { timeout: 300_000 });
  await install().catch(async () => {
    await run('apt-get', ['update'], { timeout: 300_000 });
    await install();
  });
  if (!(await present())) throw new Error('installing python3-pysaml2 and xmlsec1 did not work');
}

/** What pysaml2-idp.py's POST /control accepts (see the script's docstring). */
interface Pysaml2Settings {
  signWith?: string;
  publish?: string[];
  bindings?: Array<'POST' | 'Redirect'>;
  wantSignedRequests?: boolean;
  encrypt?: null | 'cbc' | 'gcm';
}

export const PYSAML2_DEFAULTS: Required<Pysaml2Settings> = {
  signWith: 'idp',
  publish: ['idp'],
  bindings: ['POST'],
  wantSignedRequests: false,
  encrypt: null,
};

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * pysaml2-idp.py as a child process: an HTTPS IdP on 127.0.0.1 with an ephemeral port, its TLS
 * certificate and signing keys made now. `request` is the browser's side of the conversation.
 */
export class Pysaml2Idp {
  private constructor(
    private readonly proc: ChildProcessWithoutNullStreams,
    readonly dir: string,
    readonly base: string,
    /** The TLS certificate, for clients (and our metadata fetcher) to trust. */
    readonly caFile: string,
    private readonly stderr: () => string,
  ) {}

  get issuer(): string {
    return `${this.base}/idp`;
  }

  get metadataUrl(): string {
    return `${this.base}/metadata`;
  }

  static async start(): Promise<Pysaml2Idp> {
    await ensurePysaml2();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pysaml2-idp-'));
    const caFile = path.join(dir, 'tls.crt');
    await writeSelfSignedCert(path.join(dir, 'tls.key'), caFile, 'localhost', true);
    const proc = spawn(PYTHON, [SCRIPT, dir], { stdio: ['pipe', 'pipe', 'pipe'] });
    let err = '';
    proc.stderr.on('data', (d) => (err += d));
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      proc.stdout.on('data', (d) => {
        out += d;
        const m = /^(\d+)\n/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      proc.on('error', reject);
      proc.on('exit', (code) => reject(new Error(`pysaml2 IdP exited (${code}): ${err}`)));
    });
    const idp = new Pysaml2Idp(proc, dir, `https://127.0.0.1:${port}`, caFile, () => err);
    await idp.addKey('idp');
    return idp;
  }

  /** Writes the key pair <name>.key/.crt the IdP can sign with or publish. */
  async addKey(name: string): Promise<TestKey> {
    const key = await makeTestKey(`pysaml2-${name}`);
    fs.writeFileSync(path.join(this.dir, `${name}.key`), key.keyPem);
    fs.writeFileSync(path.join(this.dir, `${name}.crt`), key.certPem);
    return key;
  }

  async control(settings: Pysaml2Settings): Promise<void> {
    const r = await this.request('POST', `${this.base}/control`, JSON.stringify(settings), { 'content-type': 'application/json' });
    if (r.status !== 200) throw new Error(`control: ${r.status} ${r.body}`);
  }

  /** Makes the IdP trust this SP metadata (our /sso/metadata/<team>). */
  async trustSp(spMetadata: string): Promise<void> {
    const r = await this.request('POST', `${this.base}/sp`, spMetadata, { 'content-type': 'application/xml' });
    if (r.status !== 204) throw new Error(`sp: ${r.status} ${r.body}`);
  }

  /** What the IdP's SingleLogoutService received, in order. */
  async sloLog(): Promise<Array<Record<string, unknown>>> {
    return JSON.parse((await this.request('GET', `${this.base}/slo-log`)).body) as Array<Record<string, unknown>>;
  }

  /** An IdP-initiated LogoutRequest for `user`, for the test to carry to the SP like a browser. */
  async logoutRequest(spec: {
    user: string;
    destination: string;
    spEntityId: string;
    binding: 'Redirect' | 'POST';
    sign?: boolean;
  }): Promise<{ id: string; url?: string; SAMLRequest?: string; RelayState?: string }> {
    const r = await this.request('POST', `${this.base}/logout-request`, JSON.stringify(spec), { 'content-type': 'application/json' });
    if (r.status !== 200) throw new Error(`logout-request: ${r.status} ${r.body}`);
    return JSON.parse(r.body) as { id: string; url?: string; SAMLRequest?: string; RelayState?: string };
  }

  async metadata(): Promise<string> {
    return (await this.request('GET', this.metadataUrl)).body;
  }

  request(method: 'GET' | 'POST', url: string, body?: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      const req = https.request(url, { method, ca: fs.readFileSync(this.caFile), headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      });
      req.on('error', (e) => reject(new Error(`${e.message}; IdP stderr: ${this.stderr()}`)));
      req.end(body);
    });
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode === null) {
      const exited = new Promise((r) => this.proc.once('exit', r));
      this.proc.stdin.end(); // the script stops when its stdin closes
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

import { beforeAll, describe, expect, it } from 'vitest';
import { TestIdp, b64, makeTestKey } from '@sso/testing';
import { certFromKeyInfo, keyInfoXml } from './idp-metadata';
import { decodeSamlResponse, validateResponse } from './response';
import { memoryResponsePorts } from './test-ports';
import { parseUntrustedXml, strictText } from './xml';

const SP = 'http://localhost:8080/sso/finalize-login/7a8d3d39-8a23-4c49-9a1e-2c1f7a0b8a11';

describe('validateResponse', () => {
  let idp: TestIdp;
  const { ports, requests } = memoryResponsePorts(() => ({ issuer: idp.issuer, certBase64: idp.key.certBase64 }));
  const settings = () => ({ spEntityId: SP, clockSkewSeconds: 60, maxttlAuthreq: 7200, maxttlAuthresp: 7200, now: new Date() });

  beforeAll(async () => {
    idp = await TestIdp.create();
  });

  it('grants a valid response once, then denies the replay', async () => {
    requests.set('_r1', idp.issuer);
    const { xml } = idp.response({ sp: SP, requestId: '_r1', nameId: 'alice@example.com' });
    const out = await validateResponse(b64(xml), settings(), ports());
    expect(out).toMatchObject({ kind: 'granted', requestId: '_r1', nameId: { value: 'alice@example.com' } });
    const again = await validateResponse(b64(xml), settings(), ports());
    expect(again).toMatchObject({ kind: 'denied' });
  });

  it('tells `checked` once every check has passed, before the one-time claims, and never for a refused response', async () => {
    const calls: string[] = [];
    const base = ports();
    const watched = {
      ...base,
      checked: (login: { requestId: string | null; nameId: { value: string } }) =>
        calls.push(`checked ${login.requestId} ${login.nameId.value}`),
      consumeRequest: (id: string, issuer: string) => (calls.push('consume'), base.consumeRequest(id, issuer)),
      claimAssertion: (id: string, ttl: number) => (calls.push('claim'), base.claimAssertion(id, ttl)),
    };
    requests.set('_c1', idp.issuer);
    const { xml } = idp.response({ sp: SP, requestId: '_c1', nameId: 'carol@example.com' });
    expect(await validateResponse(b64(xml), settings(), watched)).toMatchObject({ kind: 'granted' });
    expect(calls).toEqual(['checked _c1 carol@example.com', 'consume', 'claim']);

    calls.length = 0;
    requests.set('_c2', idp.issuer);
    const elsewhere = idp.response({ sp: SP, requestId: '_c2', audience: 'https://other.example.com' });
    expect(await validateResponse(b64(elsewhere.xml), settings(), watched)).toMatchObject({ kind: 'denied' });
    expect(calls).toEqual([]);
  });

  it('checks a signed Response too: the IdP key passes, another key or changed content is refused, as are failure Responses without assertion', async () => {
    const signedResponse = (requestId: string, keyPem?: string) => {
      const { xml } = idp.response({ sp: SP, requestId, nameId: 'bob@example.com' });
      return idp.sign(xml, /<samlp:Response[^>]* ID="([^"]+)"/.exec(xml)![1]!, { localName: 'Response', keyPem });
    };
    requests.set('_r2', idp.issuer);
    expect(await validateResponse(b64(signedResponse('_r2')), settings(), ports())).toMatchObject({ kind: 'granted', requestId: '_r2' });
    const stranger = await makeTestKey('stranger');
    requests.set('_r3', idp.issuer);
    const foreign = await validateResponse(b64(signedResponse('_r3', stranger.keyPem)), settings(), ports());
    expect(foreign).toMatchObject({
      kind: 'error',
      code: 'bad-response-signature',
      message: 'Invalid signature: the Response signature does not verify',
    });
    const changed = signedResponse('_r3')
      .replace('</saml:Issuer>', '</saml:Issuer><!-- -->')
      .replace('bob@example.com', 'mallory@example.com');
    expect(await validateResponse(b64(changed), settings(), ports())).toMatchObject({ kind: 'error', code: 'bad-response-signature' });
    const failure = idp
      .response({ sp: SP, requestId: '_r3', status: 'urn:oasis:names:tc:SAML:2.0:status:Requester' })
      .xml.replace(/<saml:Assertion[\s\S]*<\/saml:Assertion>/, '');
    expect(await validateResponse(b64(failure), settings(), ports())).toMatchObject({
      kind: 'denied',
      reasons: expect.arrayContaining(['no assertion in the response', 'status: failure (urn:oasis:names:tc:SAML:2.0:status:Requester)']),
    });
    expect(requests.has('_r3')).toBe(true); // nothing was used up by the refusals
  });

  it('finds the certificate in a stored KeyInfo', () => {
    expect(certFromKeyInfo(keyInfoXml('QUJD'))).toBe('QUJD');
  });
});

describe('decodeSamlResponse', () => {
  it('accepts base64 with form-encoder whitespace and refuses anything else', () => {
    expect(decodeSamlResponse('PHg+\r\nPC94Pg==')?.xml).toBe('<x></x>');
    expect(decodeSamlResponse('PHg+PC94Pg')).toBeNull(); // unpadded
    expect(decodeSamlResponse('PHg+*PC94Pg==')).toBeNull();
    expect(decodeSamlResponse('')).toBeNull();
    expect(decodeSamlResponse(Buffer.from([0xff, 0xfe, 0x00, 0x41]).toString('base64'))).toBeNull(); // not UTF-8
  });
});

describe('strictText', () => {
  it('refuses text split by a comment or an element', () => {
    const limits = { maxBytes: 1000, maxDepth: 5, maxElements: 10 };
    expect(strictText(parseUntrustedXml('<a>x<![CDATA[y]]></a>', limits).documentElement)).toBe('xy');
    expect(strictText(parseUntrustedXml('<a>admin<!---->.evil</a>', limits).documentElement)).toBeNull();
    expect(strictText(parseUntrustedXml('<a>admin<b/>.evil</a>', limits).documentElement)).toBeNull();
  });
});

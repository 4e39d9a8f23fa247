/**
 * Cassandra's clustering orders, so the twins list rows as a real node does.
 *
 * text: UTF-8 byte order (JavaScript's `<` compares UTF-16 code units, which differs above U+FFFF).
 * uuid (UUIDType.compareCustom in 5.0): version nibble first; time-based (v1) ids by timestamp,
 * then the low 8 bytes unsigned; all others by the high 8 bytes unsigned, then the low 8 bytes
 * unsigned.
 */
export function compareText(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function compareUuid(a: string, b: string): number {
  const x = uuidBytes(a);
  const y = uuidBytes(b);
  const msbX = x.readBigUInt64BE(0);
  const msbY = y.readBigUInt64BE(0);
  const vX = Number((msbX >> 12n) & 0xfn);
  const vY = Number((msbY >> 12n) & 0xfn);
  if (vX !== vY) return vX - vY;
  const hiX = vX === 1 ? timeOrder(msbX) : msbX;
  const hiY = vY === 1 ? timeOrder(msbY) : msbY;
  if (hiX !== hiY) return hiX < hiY ? -1 : 1;
  const loX = x.readBigUInt64BE(8);
  const loY = y.readBigUInt64BE(8);
  return loX === loY ? 0 : loX < loY ? -1 : 1;
}

/** time_hi (with version), time_mid, time_low: the v1 timestamp in its natural order. */
function timeOrder(msb: bigint): bigint {
  const mask = 0xffffffffffffffffn;
  return ((msb << 48n) & mask) | ((msb << 16n) & 0xffff00000000n) | (msb >> 32n);
}

function uuidBytes(u: string): Buffer {
  return Buffer.from(u.replace(/-/g, ''), 'hex');
}

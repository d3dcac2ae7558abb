// IPv4/IPv6 address and CIDR parsing for the ip_in_cidr operator.
// Addresses become 16-byte arrays (IPv4 as ::ffff:a.b.c.d) so one prefix
// comparison serves both families. Unparseable input → null.
export interface Cidr {
  bytes: Uint8Array;
  prefixBits: number;
}

function parseIpv4(input: string, into: Uint8Array, offset: number): boolean {
  const parts = input.split(".");
  if (parts.length !== 4) return false;
  for (let i = 0; i < 4; i++) {
    const part = parts[i]!;
    if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return false;
    into[offset + i] = Number(part);
  }
  return true;
}

function parseIpv6Groups(input: string): number[] | null {
  if (input === "") return [];
  const groups: number[] = [];
  const parts = input.split(":");
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (i === parts.length - 1 && part.includes(".")) {
      const v4 = new Uint8Array(4);
      if (!parseIpv4(part, v4, 0)) return null;
      groups.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
      groups.push(parseInt(part, 16));
    } else {
      return null;
    }
  }
  return groups;
}

/** Parses an IPv4 or IPv6 address into 16 bytes. */
export function parseIp(input: string): Uint8Array | null {
  const bytes = new Uint8Array(16);
  if (!input.includes(":")) {
    bytes[10] = 0xff;
    bytes[11] = 0xff;
    return parseIpv4(input, bytes, 12) ? bytes : null;
  }
  const address = input.replace(/^\[|\]$/g, "").split("%")[0]!;
  const halves = address.split("::");
  if (halves.length > 2) return null;
  const head = parseIpv6Groups(halves[0]!);
  const tail = halves.length === 2 ? parseIpv6Groups(halves[1]!) : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  groups.forEach((group, i) => {
    bytes[i * 2] = group >> 8;
    bytes[i * 2 + 1] = group & 0xff;
  });
  return bytes;
}

/** Parses "a.b.c.d/n" or "x::y/n"; a bare address is a /32 or /128. */
export function parseCidr(input: string): Cidr | null {
  const [address, prefix, extra] = input.trim().split("/");
  if (address === undefined || extra !== undefined) return null;
  const bytes = parseIp(address);
  if (!bytes) return null;
  const isV4 = !address.includes(":");
  const maxBits = isV4 ? 32 : 128;
  if (prefix !== undefined && !/^\d{1,3}$/.test(prefix)) return null;
  const bits = prefix === undefined ? maxBits : Number(prefix);
  if (bits > maxBits) return null;
  return { bytes, prefixBits: isV4 ? bits + 96 : bits };
}

export function cidrContains(cidr: Cidr, ip: Uint8Array): boolean {
  let remaining = cidr.prefixBits;
  for (let i = 0; i < 16 && remaining > 0; i++, remaining -= 8) {
    const mask = remaining >= 8 ? 0xff : (0xff << (8 - remaining)) & 0xff;
    if ((cidr.bytes[i]! & mask) !== (ip[i]! & mask)) return false;
  }
  return true;
}

// Which local address a rank's Gloo connections bind. Left to itself, Gloo binds the address this
// machine's host name resolves to, and falls back to the loopback: wrong wherever the host name
// does not name the interface that reaches the other ranks (a host name mapped to 127.0.x.1 in
// /etc/hosts, a machine on several networks, a network namespace), and the ranks then wait for
// each other until the timeout. PyTorch leaves the fix to GLOO_SOCKET_IFNAME; here, as NCCL looks
// for the interface that reaches its bootstrap address, the default is the address the routing
// table uses to reach the master, and GLOO_SOCKET_IFNAME still wins when set.
import { lookup } from 'node:dns/promises';
import { createSocket } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import { ArgumentError } from '../tensor/errors.js';

/**
 * The address this rank's Gloo connections should bind to reach a master at masterAddr:masterPort:
 * GLOO_SOCKET_IFNAME's address when set, the loopback for a master on the loopback, else the
 * source address of the route to the master; '' (Gloo's own choice) when no route is known.
 */
export async function glooBindAddress(masterAddr: string, masterPort: number, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const named = env.GLOO_SOCKET_IFNAME?.trim();
  if (named) return interfaceAddress(named);
  if (isLoopback(masterAddr)) return '127.0.0.1';
  return (await routeSourceAddress(masterAddr, masterPort)) ?? '';
}

/** Whether a master address is this machine's loopback (all ranks on this machine). */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** The address of a network interface named as GLOO_SOCKET_IFNAME names it (IPv4 first, as Gloo). */
export function interfaceAddress(name: string, interfaces = networkInterfaces()): string {
  if (name.includes(',')) throw new ArgumentError(`GLOO_SOCKET_IFNAME lists several interfaces (${name}); latentlab binds one: name one of them`);
  const addresses = interfaces[name];
  if (!addresses || addresses.length === 0) {
    throw new ArgumentError(`GLOO_SOCKET_IFNAME names the interface '${name}', which this machine does not have: it has ${Object.keys(interfaces).join(', ') || 'none'}`);
  }
  const chosen = addresses.find((a) => a.family === 'IPv4') ?? addresses[0]!;
  // A link-local IPv6 address means nothing without its interface.
  return chosen.family === 'IPv6' && chosen.scopeid ? `${chosen.address}%${name}` : chosen.address;
}

/**
 * The local address the kernel would send from to reach host:port, or null where it knows no
 * route (or cannot resolve the name). Connecting a UDP socket only looks the route up: nothing
 * is sent.
 */
export async function routeSourceAddress(host: string, port: number): Promise<string | null> {
  let target: { address: string; family: number };
  try {
    target = await lookup(host);
  } catch {
    return null;
  }
  const socket = createSocket(target.family === 6 ? 'udp6' : 'udp4');
  try {
    return await new Promise<string | null>((resolve) => {
      socket.once('error', () => resolve(null));
      socket.connect(port, target.address, (error?: Error) => resolve(error ? null : socket.address().address));
    });
  } finally {
    socket.close();
  }
}

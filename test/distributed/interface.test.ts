// The address a rank's Gloo connections bind: GLOO_SOCKET_IFNAME, the loopback, or the route to
// the master. (test/distributed/netns.test.ts shows the route's choice across network namespaces.)
import { strict as assert } from 'node:assert';
import { networkInterfaces } from 'node:os';
import { describe, test } from 'node:test';
import { ArgumentError } from '../../src/tensor/errors.js';
import { glooBindAddress, interfaceAddress } from '../../src/distributed/interface.js';

// An address of this machine's outside the loopback, when it has one (a sandbox may have none).
const external = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && !a.internal && a.family === 'IPv4')?.address;

describe('glooBindAddress', () => {
  test('a master on the loopback: the loopback', async () => {
    assert.equal(await glooBindAddress('127.0.0.1', 29500, {}), '127.0.0.1');
    assert.equal(await glooBindAddress('localhost', 29500, {}), '127.0.0.1');
  });

  test('GLOO_SOCKET_IFNAME wins over the route', async () => {
    assert.equal(await glooBindAddress('192.0.2.1', 29500, { GLOO_SOCKET_IFNAME: 'lo' }), '127.0.0.1');
  });

  test('a master at one of this machine\'s own addresses: that address, not the host name\'s', { skip: external ? false : 'this machine has no IPv4 address outside the loopback' }, async () => {
    assert.equal(await glooBindAddress(external!, 29500, {}), external);
  });
  // No route to the master: test/distributed/netns.test.ts (a namespace knows only its own subnet).
});

describe('interfaceAddress', () => {
  const interfaces = {
    lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' }],
    eth1: [
      { address: 'fe80::1', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '02:00:00:00:00:01', internal: false, cidr: 'fe80::1/64', scopeid: 3 },
      { address: '10.0.0.5', netmask: '255.255.255.0', family: 'IPv4', mac: '02:00:00:00:00:01', internal: false, cidr: '10.0.0.5/24' },
    ],
    v6only: [{ address: 'fe80::2', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '02:00:00:00:00:02', internal: false, cidr: 'fe80::2/64', scopeid: 4 }],
  } as ReturnType<typeof networkInterfaces>;

  test('IPv4 first; a link-local IPv6 address carries its interface', () => {
    assert.equal(interfaceAddress('eth1', interfaces), '10.0.0.5');
    assert.equal(interfaceAddress('v6only', interfaces), 'fe80::2%v6only');
  });

  test('an interface this machine lacks, or several, are refused in one line naming them', () => {
    assert.throws(() => interfaceAddress('eth9', interfaces), (e: unknown) => e instanceof ArgumentError && e.message === "GLOO_SOCKET_IFNAME names the interface 'eth9', which this machine does not have: it has lo, eth1, v6only");
    assert.throws(() => interfaceAddress('eth0,eth1', interfaces), (e: unknown) => e instanceof ArgumentError && /lists several interfaces \(eth0,eth1\); latentlab binds one/.test(e.message));
  });
});

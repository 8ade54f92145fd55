import type { NetworkInterfaceInfo } from 'node:os';
import { homieHost } from './homie';

const iface = (address: string, mac: string, internal: boolean, family: 'IPv4' | 'IPv6' = 'IPv4'): NetworkInterfaceInfo =>
  ({ address, mac, internal, family, netmask: '255.255.255.0', cidr: null }) as NetworkInterfaceInfo;

describe('homieHost ($localip / $mac of the legacy-firmware extension)', () => {
  it('takes the first external IPv4 interface, MAC in upper case', () => {
    expect(
      homieHost({
        lo: [iface('127.0.0.1', '00:00:00:00:00:00', true)],
        eth0: [iface('fe80::1', 'de:ad:be:ef:fe:ed', false, 'IPv6'), iface('192.168.1.20', 'de:ad:be:ef:fe:ed', false)],
      }),
    ).toEqual({ localIp: '192.168.1.20', mac: 'DE:AD:BE:EF:FE:ED' });
  });

  it('falls back to the loopback interface when there is no other', () => {
    expect(homieHost({ lo: [iface('127.0.0.1', '00:00:00:00:00:00', true)] })).toEqual({ localIp: '127.0.0.1', mac: '00:00:00:00:00:00' });
  });
});

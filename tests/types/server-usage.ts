// Type-checks the declarations of fuse-outbound/server as a test suite would use them.
import { createServer, Server, Account } from 'fuse-outbound/server';

async function suite(): Promise<void> {
  const server: Server = await createServer({ data: '/tmp/x', clock: 'manual', startTime: 0, allowCallbacksTo: '127.0.0.1/32' });
  const account: Account = server.accounts.add('dev@example.com');
  const dep = server.deployments.add(account.email, 'app1', 'main');
  const id: number = dep.id;
  const url: string = await server.listen();
  if (server.clock.kind === 'manual') await server.clock.advance(60);
  const now: number = server.clock.now();
  await server.close();
  void id; void url; void now;
  // The SIP carrier (SPEC 13): a trunk is required; the transport is udp or tcp.
  const sip: Server = await createServer({ carrier: 'sip', carrierOptions: { trunk: 'sip.example.net:5060', transport: 'tcp', callerIdHeader: 'pai' } });
  // @ts-expect-error no such transport
  await createServer({ carrier: 'sip', carrierOptions: { trunk: 'sip.example.net:5060', transport: 'tls' } });
  await sip.close();
}
void suite;

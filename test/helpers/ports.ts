import { type AddressInfo, createServer } from 'node:net';

/** A loopback port that was free a moment ago and has no listener now: a channel or endpoint that is down. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

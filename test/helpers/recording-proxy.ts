import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One answer the proxy passed on: when (by the injected clock), for which instance, and its body byte for byte. */
export interface RecordedAnswer {
  readonly at: number;
  readonly instance: string | null;
  readonly body: string;
}

export interface RecordingProxy {
  readonly url: string;
  readonly answers: RecordedAnswer[];
  close(): Promise<void>;
}

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};

/**
 * An HTTP proxy on 127.0.0.1 in front of `target` (the simulator) that keeps every answer as sent:
 * the ground truth a test holds what the product stored against. The instance is read from the
 * request's `DBInstanceId` (query or form body), as Alibaba's RDS API names it.
 */
export async function startRecordingProxy(target: string, clock: () => number): Promise<RecordingProxy> {
  const answers: RecordedAnswer[] = [];
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', target);
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'connection')) as Record<
      string,
      string
    >;
    const method = req.method ?? 'GET';
    const answer = await fetch(url, { method, headers, ...(body.length > 0 && { body }) });
    const text = await answer.text();
    const form = new URLSearchParams(body.toString('utf8'));
    answers.push({ at: clock(), instance: url.searchParams.get('DBInstanceId') ?? form.get('DBInstanceId'), body: text });
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    answers,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

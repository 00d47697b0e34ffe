// A stand-in for a Temporal cluster that asks for TLS, a client certificate and an API key: an
// HTTP/2 proxy in front of the plaintext dev server (which cannot serve TLS itself). It
// terminates TLS, refuses a call without the expected `authorization: Bearer <key>` with gRPC's
// UNAUTHENTICATED, and passes every other call through, trailers included.
import http2, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http2';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

export interface TlsProxyOptions {
  /** host:port of the plaintext Temporal server. */
  target: string;
  certFile: string;
  keyFile: string;
  /** With it, only clients presenting a certificate signed by this CA get through the handshake. */
  clientCaFile?: string;
  apiKey?: string;
}

export interface TlsProxy {
  address: string;
  /** Calls passed through, and calls refused for their API key. */
  passed: number;
  refused: number;
  /** Common names of the client certificates seen. */
  clientNames: Set<string>;
  close(): Promise<void>;
}

const GRPC_UNAUTHENTICATED = '16';

export async function startTlsProxy(options: TlsProxyOptions): Promise<TlsProxy> {
  const upstream = http2.connect(`http://${options.target}`);
  upstream.on('error', () => undefined); // a closing dev server; calls in flight fail on their own
  const mtls = options.clientCaFile !== undefined;
  const server = http2.createSecureServer({
    cert: readFileSync(options.certFile),
    key: readFileSync(options.keyFile),
    ...(mtls ? { ca: readFileSync(options.clientCaFile as string), requestCert: true, rejectUnauthorized: true } : {}),
  });

  const proxy: TlsProxy = {
    address: '',
    passed: 0,
    refused: 0,
    clientNames: new Set(),
    close: () =>
      new Promise((resolve) => {
        upstream.destroy();
        server.close(() => resolve());
        for (const session of sessions) session.destroy();
      }),
  };
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
    const peer = (session.socket as TLSSocket).getPeerCertificate?.();
    if (peer?.subject?.CN) proxy.clientNames.add(String(peer.subject.CN));
  });

  server.on('stream', (stream, headers) => {
    stream.on('error', () => undefined);
    if (options.apiKey !== undefined && headers.authorization !== `Bearer ${options.apiKey}`) {
      proxy.refused += 1;
      stream.respond(
        { ':status': 200, 'content-type': 'application/grpc', 'grpc-status': GRPC_UNAUTHENTICATED, 'grpc-message': 'invalid API key' },
        { endStream: true },
      );
      return;
    }
    proxy.passed += 1;
    const call = upstream.request(forwardable(headers));
    call.on('error', () => stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR));
    stream.on('close', () => call.close());
    let trailers: OutgoingHttpHeaders = {};
    call.on('trailers', (received) => {
      trailers = received;
    });
    call.on('response', (responseHeaders) => {
      if (stream.closed) return;
      // A response carrying grpc-status in its headers is "trailers-only": it ends there.
      if (responseHeaders['grpc-status'] !== undefined) {
        stream.respond(responseHeaders, { endStream: true });
        return;
      }
      stream.respond(responseHeaders, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers(trailers));
      call.pipe(stream);
    });
    stream.pipe(call);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}

/** A request's headers for the upstream call: its own pseudo-headers are set by the client session. */
function forwardable(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const { ':authority': _authority, ':scheme': _scheme, ...rest } = headers;
  return rest;
}

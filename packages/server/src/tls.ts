import { readFileSync } from 'node:fs';
import { ServerCredentials } from '@grpc/grpc-js';
import type { Config } from './config/schema';

export interface TlsMaterial {
  key: Buffer;
  cert: Buffer;
}

/** The certificate and key when both tls.certFile and tls.keyFile are set; null for plain text. */
export function loadTls(config: Config): TlsMaterial | null {
  const certFile = config['tls.certFile'];
  const keyFile = config['tls.keyFile'];
  if (!certFile && !keyFile) return null;
  if (!certFile || !keyFile) throw new Error('TLS needs both tls.certFile and tls.keyFile');
  const read = (file: string, key: string) => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new Error(`${key}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  };
  return { cert: read(certFile, 'tls.certFile'), key: read(keyFile, 'tls.keyFile') };
}

/** gRPC server credentials: TLS without client certificates, or insecure. */
export function grpcCredentials(tls: TlsMaterial | null): ServerCredentials {
  if (!tls) return ServerCredentials.createInsecure();
  return ServerCredentials.createSsl(null, [{ private_key: tls.key, cert_chain: tls.cert }], false);
}

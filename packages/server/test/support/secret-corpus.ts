/**
 * Planted secrets for the redaction tests (unit and end-to-end). Every `secret` is fake
 * but has the real format; none may survive ingest. `text` is how it typically appears.
 */
export interface PlantedSecret {
  rule: string;
  secret: string;
  text: string;
}

const b64 = (n: number, seed: number) => {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    s += chars[x % chars.length];
  }
  return s;
};

const pemBody = `${b64(64, 1)}\n${b64(64, 2)}\n${b64(40, 3)}`;
const jwt = `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUifQ.${b64(43, 4)}`;

export const SECRETS: PlantedSecret[] = [
  { rule: 'aws-access-key', secret: 'AKIAIOSFODNN7EXAMPLE', text: 'using key AKIAIOSFODNN7EXAMPLE for s3' },
  {
    rule: 'aws-secret-key',
    secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    text: 'aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  },
  { rule: 'gcp-api-key', secret: `AIza${b64(35, 5)}`, text: `maps?key=AIza${b64(35, 5)}&q=x` },
  { rule: 'gcp-oauth-token', secret: `ya29.${b64(60, 6)}`, text: `gcloud token ya29.${b64(60, 6)}` },
  {
    rule: 'azure-key',
    secret: `${b64(86, 7)}==`,
    text: `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${b64(86, 7)}==;EndpointSuffix=core.windows.net`,
  },
  {
    rule: 'azure-key',
    secret: `${b64(40, 8)}%3D`,
    text: `https://acct.blob.core.windows.net/c/b.txt?sv=2022-11-02&sr=b&sig=${b64(40, 8)}%3D`,
  },
  { rule: 'azure-client-secret', secret: `abc8Q~${b64(34, 9)}`, text: `client secret abc8Q~${b64(34, 9)} expired` },
  { rule: 'jwt', secret: jwt.split('.')[2]!, text: `id_token ${jwt} received` },
  {
    rule: 'pem-private-key',
    secret: b64(64, 2),
    text: `-----BEGIN RSA PRIVATE KEY-----\n${pemBody}\n-----END RSA PRIVATE KEY-----`,
  },
  { rule: 'authorization-header', secret: `opaque${b64(30, 10)}`, text: `Authorization: Bearer opaque${b64(30, 10)}` },
  {
    rule: 'authorization-header',
    secret: 'YWxhZGRpbjpvcGVuc2VzYW1l',
    text: 'header Basic YWxhZGRpbjpvcGVuc2VzYW1l sent',
  },
  { rule: 'api-key', secret: `ghp_${b64(36, 11)}`, text: `git clone with ghp_${b64(36, 11)}` },
  { rule: 'api-key', secret: `xoxb-1234-5678-${b64(24, 12)}`, text: `slack xoxb-1234-5678-${b64(24, 12)}` },
  { rule: 'api-key', secret: `sk_live_${b64(24, 13)}`, text: `stripe sk_live_${b64(24, 13)}` },
  {
    rule: 'secret-assignment',
    secret: 'hunter2-correct-horse',
    text: 'login failed password=hunter2-correct-horse user=bob',
  },
  { rule: 'secret-assignment', secret: 'k3y-in-json-9876', text: '{"user":"bob","api_key":"k3y-in-json-9876"}' },
  {
    rule: 'url-credentials',
    secret: 'pgSup3rSecret',
    text: 'connect postgres://app:pgSup3rSecret@db.internal:5432/shop',
  },
  { rule: 'card-number', secret: '4111 1111 1111 1111', text: 'charged card 4111 1111 1111 1111 ok' },
  { rule: 'card-number', secret: '5555555555554444', text: 'pan=5555555555554444;' },
  { rule: 'card-number', secret: '378282246310005', text: 'amex 378282246310005' },
];

/** Values that look a little like secrets and must pass unchanged. */
export const LOOKALIKES: string[] = [
  '1700000000123456789',
  '1700000000123',
  '4111111111111112',
  '0af7651916cd43dd8448eb211c80319c',
  'GET /api/v1/users/:id',
  'tokens used: 1234',
  'the key rotation finished',
  'https://example.com/path?page=2',
  '2024-05-01T10:20:30.123Z request done in 2345 ms',
];

/** Attribute keys whose values are secret whatever they hold, and keys that are not. */
export const SECRET_KEYS = [
  'http.request.header.authorization',
  'http.request.header.cookie',
  'http.response.header.set-cookie',
  'db.password',
  'app.client_secret',
  'x-api-key',
  'oauth.access_token',
  'token',
];
export const PLAIN_KEYS = ['gen_ai.usage.input_tokens', 'http.route', 'db.system', 'session.id', 'service.name'];

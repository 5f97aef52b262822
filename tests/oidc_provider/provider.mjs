// A real OpenID Connect provider for openimi's tests: panva's oidc-provider (certified by the
// OpenID Foundation), with a plain login page of its own. Never part of the product.
//
// Configuration (JSON in OP_CONFIG):
//   {"port": 0, "clients": [{client_id, client_secret, redirect_uris, post_logout_redirect_uris}],
//    "idTokenTtl": 3600, "clockOffsetSeconds": 0}
// A clock offset makes this provider's clock wrong on purpose (a token already expired when it
// arrives). Prints "listening <issuer>" on stdout once it accepts connections.
import http from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const config = JSON.parse(process.env.OP_CONFIG || '{}');
if (config.clockOffsetSeconds) {
  const realNow = Date.now;
  Date.now = () => realNow() + config.clockOffsetSeconds * 1000;
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };

const server = http.createServer();
await new Promise((resolve) => server.listen(config.port || 0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: (config.clients || []).map((c) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    ...c,
  })),
  jwks: { keys: [jwk] },
  cookies: {
    keys: ['test-cookie-key'],
    long: { signed: true, sameSite: 'lax' },
    short: { signed: true, sameSite: 'lax' },
  },
  acrValues: ['low', 'substantial', 'high'],
  claims: { openid: ['sub'], email: ['email'] },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
  ttl: { IdToken: config.idTokenTtl || 3600 },
  findAccount: async (ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  // A first-party client: the consent is given with the login.
  loadExistingGrant: async (ctx) => {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email');
    await grant.save();
    return grant;
  },
});

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function body(req) {
  let data = '';
  for await (const chunk of req) data += chunk;
  return new URLSearchParams(data);
}

// The provider's own login page: who you are (the subject) and how strongly you logged in.
async function interaction(req, res) {
  const uid = req.url.split('/')[2];
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  if (req.method === 'POST') {
    const form = await body(req);
    await provider.interactionFinished(req, res, {
      login: { accountId: form.get('subject'), acr: form.get('acr') || 'low' },
    }, { mergeWithLastSubmission: false });
    return;
  }
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.end(`<!doctype html><html lang="en"><head><title>Test provider login</title></head><body>
<main><h1>Test provider login</h1><p>Client: ${escape(details.params.client_id)}</p>
<form method="post" action="/interaction/${escape(uid)}">
<label for="subject">Subject</label><input id="subject" name="subject" required>
<label for="acr">Assurance</label><select id="acr" name="acr">
<option value="low">low</option><option value="substantial">substantial</option><option value="high">high</option></select>
<button type="submit">Sign in</button></form></main></body></html>`);
}

const callback = provider.callback();
server.on('request', (req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((error) => {
      res.statusCode = 500;
      res.end(String(error));
    });
    return;
  }
  callback(req, res);
});
process.stdout.write(`listening ${issuer}\n`);

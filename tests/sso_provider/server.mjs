// The test identity provider: panva/oidc-provider (OpenID Certified), run by tests/sso_provider/provider.py on
// a loopback port. Configuration comes as JSON in the environment variable OIDC_TEST_CONFIG:
//   {"issuer": "http://127.0.0.1:PORT", "port": PORT, "client": {...client metadata...},
//    "accounts": {"login": {"password": "...", "claims": {...}, "amr": [...], "acr": "..."}}}
// Besides the provider's own endpoints it answers two test-only ones (loopback only):
//   POST /_test/rotate-keys      a new signing key is published first; the old one stays in the JWKS
//   POST /_test/tamper?mode=...  the next token response carries a broken ID token (how an attacker or a
//                                broken provider would answer): other-issuer, bad-signature, expired,
//                                wrong-nonce, wrong-audience, skewed-iat (iat 30 s ahead: within tolerance)
import http from 'node:http';
import { randomUUID } from 'node:crypto';

import * as jose from 'jose';
import Provider from 'oidc-provider';

const config = JSON.parse(process.env.OIDC_TEST_CONFIG);
const accounts = config.accounts;

async function newSigningKey() {
  const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const jwk = await jose.exportJWK(privateKey);
  return { ...jwk, kid: randomUUID(), alg: 'RS256', use: 'sig' };
}

let signingKeys = [await newSigningKey()];
const strangerKey = await newSigningKey(); // never published: signs the "bad-signature" tokens
let tamperMode = null;

function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function buildProvider() {
  const provider = new Provider(config.issuer, {
    clients: [config.client],
    jwks: { keys: signingKeys },
    cookies: { keys: ['test-cookie-key-not-secret'] },
    pkce: { required: () => true },
    claims: {
      openid: ['sub', 'acr', 'amr', 'auth_time'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name'],
      phone: ['phone_number', 'phone_number_verified'],
      groups: ['groups'],
    },
    acrValues: ['urn:dongthap:loa:1', 'urn:dongthap:loa:2'],
    // Plain pages of our own: the defaults import a web font from the internet, and tests reach none.
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.body = `<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Đăng xuất</title></head>
<body><h1>Đăng xuất khỏi cổng định danh tỉnh?</h1>${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Đăng xuất</button>
<button type="submit" form="op.logoutForm">Không, giữ đăng nhập</button></body></html>`;
        },
        async postLogoutSuccessSource(ctx) {
          ctx.body = '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Đã đăng xuất</title></head><body><h1>Đã đăng xuất</h1></body></html>';
        },
      },
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Lỗi</title></head><body><h1>Lỗi</h1>
<pre>${escapeHtml(JSON.stringify(out))}</pre></body></html>`;
    },
    ttl: { IdToken: 300, AccessToken: 300, AuthorizationCode: 60, Session: 3600, Interaction: 600, Grant: 3600 },
    async findAccount(ctx, sub) {
      const account = accounts[sub];
      if (!account) return undefined;
      return { accountId: sub, async claims() { return { sub, ...account.claims }; } };
    },
    // First-party client: every requested scope is granted without a consent page.
    async loadExistingGrant(ctx) {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope(ctx.oidc.requestParamScopes ? [...ctx.oidc.requestParamScopes].join(' ') : 'openid');
      await grant.save();
      return grant;
    },
  });
  return provider;
}

let provider = buildProvider();

function readBody(req) {
  return new Promise((resolve) => {
    let data = '';
    req.on('data', (chunk) => { data += chunk; });
    req.on('end', () => resolve(new URLSearchParams(data)));
  });
}

function loginPage(uid, error) {
  return `<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Cổng định danh tỉnh (test)</title></head>
<body><h1>Cổng định danh tỉnh Đồng Tháp (test)</h1>${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label>Tên đăng nhập <input name="login" autocomplete="username"></label>
<label>Mật khẩu <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Đăng nhập</button></form></body></html>`;
}

async function interaction(req, res, url) {
  const parts = url.pathname.split('/');
  const uid = parts[2];
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(loginPage(uid));
    return;
  }
  const form = await readBody(req);
  const account = accounts[form.get('login')];
  if (!account || account.password !== form.get('password')) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(loginPage(uid, 'Sai tên đăng nhập hoặc mật khẩu.'));
    return;
  }
  const login = { accountId: form.get('login'), amr: account.amr || ['pwd'], acr: account.acr || 'urn:dongthap:loa:1' };
  await provider.interactionFinished(req, res, { login }, { mergeWithLastSubmission: false });
}

async function tamperIdToken(idToken, mode) {
  const header = jose.decodeProtectedHeader(idToken);
  const claims = jose.decodeJwt(idToken);
  const now = Math.floor(Date.now() / 1000);
  let key = signingKeys[0];
  if (mode === 'other-issuer') claims.iss = 'http://127.0.0.1:9/another-provider';
  else if (mode === 'expired') { claims.iat = now - 7200; claims.exp = now - 3600; claims.auth_time = now - 7200; }
  else if (mode === 'wrong-nonce') claims.nonce = randomUUID();
  else if (mode === 'wrong-audience') claims.aud = 'another-client';
  else if (mode === 'skewed-iat') claims.iat = now + 30;
  else if (mode === 'bad-signature') key = { ...strangerKey, kid: header.kid };
  else throw new Error(`unknown tamper mode ${mode}`);
  const privateKey = await jose.importJWK(key, 'RS256');
  return new jose.SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: header.kid, typ: header.typ }).sign(privateKey);
}

// The token response passes through here when a tamper mode is set: its ID token is replaced.
function interceptTokenResponse(res, mode) {
  const end = res.end.bind(res);
  res.end = (body, ...rest) => {
    const payload = JSON.parse(body.toString());
    if (!payload.id_token) return end(body, ...rest);
    tamperIdToken(payload.id_token, mode).then((idToken) => {
      const text = JSON.stringify({ ...payload, id_token: idToken });
      res.setHeader('content-length', Buffer.byteLength(text));
      end(text);
    });
    return res;
  };
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, config.issuer);
  try {
    if (url.pathname === '/_test/rotate-keys' && req.method === 'POST') {
      signingKeys = [await newSigningKey(), ...signingKeys];
      provider = buildProvider();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kids: signingKeys.map((k) => k.kid) }));
      return;
    }
    if (url.pathname === '/_test/tamper' && req.method === 'POST') {
      tamperMode = url.searchParams.get('mode');
      res.writeHead(204);
      res.end();
      return;
    }
    if (url.pathname.startsWith('/interaction/')) {
      await interaction(req, res, url);
      return;
    }
    if (url.pathname === '/token' && tamperMode) {
      interceptTokenResponse(res, tamperMode);
      tamperMode = null;
    }
    provider.callback()(req, res);
  } catch (error) {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(String(error && error.stack));
  }
});

// The test suite holds our stdin open: when it goes (the suite ended, even killed), so do we.
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));

server.listen(config.port, '127.0.0.1', () => {
  process.stdout.write(`listening ${config.issuer}\n`);
});
